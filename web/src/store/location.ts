/**
 * @module store/location
 * Where the user is: the signed-in user, the team and channel in view.
 */
import { useMemo } from "react";
import type { WebLocation } from "#common/web-plugin-api.ts";
import type { Channel, Team } from "#common/wire.ts";
import type { AppState } from "./state.ts";
import { useStore, type Store } from "./store.ts";

/** The team in view, from the state. */
export function currentTeam(state: AppState): Team | null {
  return state.teams?.find((t) => t.id === state.currentTeamId) ?? null;
}

/** The channel in view, from the state (also when it is a public channel the user has not joined). */
export function currentChannel(state: AppState): Channel | null {
  if (!state.currentChannelId || !state.currentTeamId) return null;
  return state.viewedChannel?.id === state.currentChannelId ? state.viewedChannel : null;
}

/** The location as plugins see it, or null when signed out. */
export function webLocation(state: AppState): WebLocation | null {
  if (!state.me) return null;
  return { user: state.me, team: currentTeam(state), channel: currentChannel(state) };
}

/** The location, stable between renders while nothing in it changes. */
export function useWebLocation(store: Store<AppState>): WebLocation | null {
  const me = useStore(store, (s) => s.me);
  const team = useStore(store, currentTeam);
  const channel = useStore(store, currentChannel);
  return useMemo(() => (me ? { user: me, team, channel } : null), [me, team, channel]);
}
