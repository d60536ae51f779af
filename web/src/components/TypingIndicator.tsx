/**
 * "alice is typing…" under a composer, for a channel (or a thread with
 * `parentId`). Announced politely to screen readers; it takes its line even
 * when empty, so the composer does not jump.
 */
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { typingKey, typingText, typistsOf } from "../store/typing.ts";
import { displayName } from "../store/users.ts";

export function TypingIndicator({ channelId, parentId = "" }: { channelId: string; parentId?: string }) {
  const { store } = useServices();
  const typists = useStore(store, (s) => s.typing[typingKey(channelId, parentId)]);
  const users = useStore(store, (s) => s.users);
  const me = useStore(store, (s) => s.me);
  // A typist's timer drops them from the store when their time is up, which renders this again.
  const ids = typistsOf(
    { typing: typists ? { [typingKey(channelId, parentId)]: typists } : {}, me },
    { channelId, parentId, now: Date.now() },
  );
  const names = ids.map((id) => displayName(users[id]));
  return (
    <p className="typing-indicator muted" aria-live="polite">
      {typingText(names)}
    </p>
  );
}
