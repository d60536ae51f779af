/**
 * @module store/channel-management
 * Changing a channel from its header menu: rename, purpose and header,
 * members (list, add, remove), leave, make private, archive. The server
 * decides who may; its events (`channel_updated`, `user_added`,
 * `user_removed`, `channel_deleted`) bring each change to every open
 * browser, this one included (see realtime/events.ts), and the answers are
 * applied here at once as well.
 */
import { useEffect } from "react";
import * as z from "zod/mini";
import { LIMITS } from "#common/limits.ts";
import { channelMemberSchema, channelSchema } from "#common/wire-schemas.ts";
import type { Channel } from "#common/wire.ts";
import { channelReceiver } from "./channels.ts";
import type { Services } from "./services.ts";
import type { AppState } from "./state.ts";
import { useStore } from "./store.ts";
import { usersEnsurer } from "./users.ts";

type Deps = Pick<Services, "api" | "store">;

/** What the channel settings form changes; a field left out stays as it is. */
export interface ChannelPatch {
  display_name?: string;
  purpose?: string;
  header?: string;
}

/** Change a channel's display name, purpose or header. */
export async function channelPatcher(services: Deps, props: { channelId: string; patch: ChannelPatch }): Promise<Channel> {
  const channel = await services.api.read(channelSchema, `/api/v4/channels/${props.channelId}/patch`, { method: "PUT", body: props.patch });
  channelReceiver(services, channel);
  return channel;
}

/** Make a public channel private. */
export async function channelPrivacyChanger(services: Deps, props: { channelId: string; privacy: "O" | "P" }): Promise<Channel> {
  const channel = await services.api.read(channelSchema, `/api/v4/channels/${props.channelId}/privacy`, {
    method: "PUT",
    body: { privacy: props.privacy },
  });
  channelReceiver(services, channel);
  return channel;
}

/** Archive a channel; it leaves the sidebar when the server's `channel_deleted` arrives. */
export async function channelArchiver(services: Deps, channelId: string): Promise<void> {
  await services.api.delete(`/api/v4/channels/${channelId}`);
}

/** Remove a member from a channel, or leave it (`userId` the user's own). */
export async function channelMemberRemover(services: Deps, props: { channelId: string; userId: string }): Promise<void> {
  await services.api.delete(`/api/v4/channels/${props.channelId}/members/${props.userId}`);
  services.store.update((s) => withMemberIds(s, props.channelId, (ids) => ids.filter((id) => id !== props.userId)));
}

/** Add people to a channel, one after the other; stops at the first refusal (the ones before stay added). */
export async function channelMembersAdder(services: Deps, props: { channelId: string; userIds: string[] }): Promise<void> {
  for (const userId of props.userIds) {
    await services.api.post(`/api/v4/channels/${props.channelId}/members`, { user_id: userId }, channelMemberSchema);
    services.store.update((s) => withMemberIds(s, props.channelId, (ids) => (ids.includes(userId) ? ids : [...ids, userId])));
  }
}

/** Load a channel's member ids, every page of them (and the users), to list them; kept live by the membership events. */
export async function channelMembersLoader(services: Deps, channelId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 0; ; page++) {
    const members = await services.api.get(`/api/v4/channels/${channelId}/members`, z.array(channelMemberSchema), {
      page,
      per_page: LIMITS.perPageMax,
    });
    ids.push(...members.map((m) => m.user_id));
    if (members.length < LIMITS.perPageMax) break;
  }
  await usersEnsurer(services, ids);
  services.store.update((s) => ({ ...s, channelMemberIds: { ...s.channelMemberIds, [channelId]: ids } }));
  return ids;
}

/** The state with a loaded member list changed (a list not loaded stays unloaded). */
export function withMemberIds(state: AppState, channelId: string, change: (ids: string[]) => string[]): AppState {
  const ids = state.channelMemberIds[channelId];
  if (!ids) return state;
  const next = change(ids);
  return next === ids ? state : { ...state, channelMemberIds: { ...state.channelMemberIds, [channelId]: next } };
}

/** How many components show each channel's member list, per store: the list is dropped when the last one goes. */
const listeners = new WeakMap<Deps["store"], Map<string, number>>();

/**
 * The member ids of `channelId` (`undefined` while loading), loaded while
 * a component shows them and kept live by `user_added` / `user_removed`;
 * the users they name are fetched as they arrive. Several components (the
 * header's count, the member list) share one list.
 */
export function useChannelMemberIds(services: Deps, channelId: string, onError?: (error: unknown) => void): string[] | undefined {
  const ids = useStore(services.store, (s) => s.channelMemberIds[channelId]);
  useEffect(() => {
    let counts = listeners.get(services.store);
    if (!counts) listeners.set(services.store, (counts = new Map()));
    const shown = counts.get(channelId) ?? 0;
    counts.set(channelId, shown + 1);
    if (shown === 0) channelMembersLoader(services, channelId).catch((e: unknown) => onError?.(e));
    return () => {
      const left = (counts.get(channelId) ?? 1) - 1;
      if (left > 0) {
        counts.set(channelId, left);
        return;
      }
      counts.delete(channelId);
      services.store.update((s) => {
        const rest = { ...s.channelMemberIds };
        delete rest[channelId];
        return { ...s, channelMemberIds: rest };
      });
    };
  }, [services, channelId]);
  const key = (ids ?? []).join(",");
  // Someone who joined since the list was loaded: their name.
  useEffect(() => {
    if (key) void usersEnsurer(services, key.split(",")).catch(() => undefined);
  }, [services, key]);
  return ids;
}
