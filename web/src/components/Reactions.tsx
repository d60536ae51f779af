/**
 * A post's reactions: one chip per emoji with its count, naming who reacted
 * (tooltip and accessible name); a click adds or takes back one's own.
 */
import { useEffect } from "react";
import { emojiFor } from "#common/emoji.ts";
import type { Post, User } from "#common/wire.ts";
import { reactionGroups } from "../store/reactions.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { displayName, usersEnsurer } from "../store/users.ts";

/** "You", "alice and you", "alice, bob and you": the reactors, the viewer last. */
export function reactorNames(props: { userIds: string[]; meId: string | undefined; users: Record<string, User> }): string {
  const others = props.userIds.filter((id) => id !== props.meId).map((id) => displayName(props.users[id]));
  const names = props.userIds.includes(props.meId ?? "") ? [...others, "you"] : others;
  if (names.length <= 1) return names[0] === "you" ? "You" : (names[0] ?? "");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1] ?? ""}`;
}

export function Reactions({ post, canReact, onToggle }: { post: Post; canReact: boolean; onToggle(emojiName: string): void }) {
  const services = useServices();
  const users = useStore(services.store, (s) => s.users);
  const meId = useStore(services.store, (s) => s.me?.id);
  const groups = reactionGroups(post);
  // The reactors are named: fetch those not cached yet.
  const reactors = groups.flatMap((g) => g.userIds).join(",");
  useEffect(() => {
    if (reactors) void usersEnsurer(services, reactors.split(",")).catch(() => undefined);
  }, [reactors, services]);
  if (groups.length === 0) return null;
  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {groups.map((group) => {
        const mine = meId !== undefined && group.userIds.includes(meId);
        const who = `${reactorNames({ userIds: group.userIds, meId, users })} reacted with :${group.emojiName}:`;
        return (
          <button
            key={group.emojiName}
            type="button"
            className={`reaction${mine ? " mine" : ""}`}
            aria-pressed={mine}
            aria-label={who}
            title={who}
            disabled={!canReact}
            onClick={() => onToggle(group.emojiName)}
          >
            <span aria-hidden="true" className="reaction-emoji">
              {emojiFor(group.emojiName)?.unicode ?? `:${group.emojiName}:`}
            </span>
            <span aria-hidden="true" className="reaction-count">
              {group.userIds.length}
            </span>
          </button>
        );
      })}
    </div>
  );
}
