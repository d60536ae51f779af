/**
 * @module store/typing
 * "alice is typing…", as Mattermost does it: the composer sends the
 * `user_typing` action at most once every {@link TYPING_SEND_INTERVAL_MS}
 * while the user types, and a typist is shown until
 * {@link TYPING_SHOWN_MS} after their last `typing` event, or until their
 * post arrives.
 */
import type { Services } from "./services.ts";
import type { AppState } from "./state.ts";

/** Mattermost's `TimeBetweenUserTypingUpdatesMilliseconds`: the least time between two `user_typing` of one composer. */
export const TYPING_SEND_INTERVAL_MS = 5000;
/** How long a typist shows after their last event: a little more than the interval, so steady typing does not flicker. */
export const TYPING_SHOWN_MS = 6000;

/** The key of a channel (`parentId` "") or a thread in {@link AppState.typing}. */
export function typingKey(channelId: string, parentId: string): string {
  return `${channelId}:${parentId}`;
}

/** The state with `userId` typing in a channel or thread until `until`. */
export function withTypist(state: AppState, props: { channelId: string; parentId: string; userId: string; until: number }): AppState {
  const key = typingKey(props.channelId, props.parentId);
  return { ...state, typing: { ...state.typing, [key]: { ...state.typing[key], [props.userId]: props.until } } };
}

/** The state without a typist whose time is up at `now` (or, with `now` omitted, without them at all). */
export function withoutTypist(state: AppState, props: { channelId: string; parentId: string; userId: string; now?: number }): AppState {
  const key = typingKey(props.channelId, props.parentId);
  const typists = state.typing[key];
  const until = typists?.[props.userId];
  if (!typists || until === undefined || (props.now !== undefined && until > props.now)) return state;
  const rest = { ...typists };
  delete rest[props.userId];
  const typing = { ...state.typing };
  if (Object.keys(rest).length === 0) delete typing[key];
  else typing[key] = rest;
  return { ...state, typing };
}

/** The ids of who is typing in a channel or thread at `now`, the user excluded. */
export function typistsOf(state: Pick<AppState, "typing" | "me">, props: { channelId: string; parentId: string; now: number }): string[] {
  const typists = state.typing[typingKey(props.channelId, props.parentId)] ?? {};
  return Object.entries(typists)
    .filter(([id, until]) => until > props.now && id !== state.me?.id)
    .map(([id]) => id)
    .sort();
}

/**
 * The line under the composer for these names, or "" for nobody.
 * @example typingText(["alice", "bob"]) // "alice and bob are typing…"
 */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length <= 3) return `${names.slice(0, -1).join(", ")} and ${names.at(-1)} are typing…`;
  return `${names.slice(0, 2).join(", ")} and ${names.length - 2} others are typing…`;
}

const expiries = new WeakMap<Services["store"], Map<string, ReturnType<typeof setTimeout>>>();

/** Someone is typing (the `typing` event): show them, and stop after {@link TYPING_SHOWN_MS} without another event. */
export function typingReceiver(services: Pick<Services, "store">, props: { channelId: string; parentId: string; userId: string }): void {
  const { store } = services;
  let timers = expiries.get(store);
  if (!timers) expiries.set(store, (timers = new Map()));
  const key = `${typingKey(props.channelId, props.parentId)}:${props.userId}`;
  const previous = timers.get(key);
  if (previous) clearTimeout(previous);
  store.update((s) => withTypist(s, { ...props, until: Date.now() + TYPING_SHOWN_MS }));
  timers.set(
    key,
    setTimeout(() => {
      timers.delete(key);
      store.update((s) => withoutTypist(s, { ...props, now: Date.now() }));
    }, TYPING_SHOWN_MS),
  );
}

/** When a composer last sent `user_typing`, by store and channel or thread. */
const lastSent = new WeakMap<Services["store"], Map<string, number>>();

/** True when a composer may send `user_typing` now: its last one was at least {@link TYPING_SEND_INTERVAL_MS} ago. */
export function typingDue(sentAt: number | undefined, now: number): boolean {
  return sentAt === undefined || now - sentAt >= TYPING_SEND_INTERVAL_MS;
}

/** The user typed in a composer: tell the channel's members, at most once per interval. */
export function typingSender(services: Pick<Services, "store" | "socket">, props: { channelId: string; parentId?: string }): void {
  let sent = lastSent.get(services.store);
  if (!sent) lastSent.set(services.store, (sent = new Map()));
  const parentId = props.parentId ?? "";
  const key = typingKey(props.channelId, parentId);
  const now = Date.now();
  if (!typingDue(sent.get(key), now)) return;
  if (services.socket.send("user_typing", { channel_id: props.channelId, parent_id: parentId })) sent.set(key, now);
}
