/**
 * @module notifications/use-unread-tracking
 * The workspace's unread bookkeeping that is not tied to one component: the
 * page title with the mention count (Mattermost's "(3) Town Square · Ops"),
 * and the channel in view marked read when the tab comes back to the front
 * (posts that arrived while it was hidden stayed unread, and notified).
 */
import { useEffect } from "react";
import { channelViewer } from "../store/channels.ts";
import { currentChannel, currentTeam } from "../store/location.ts";
import type { Services } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { pageTitle, unreadStatus } from "../store/unreads.ts";

export function useUnreadTracking(services: Pick<Services, "api" | "store">): void {
  const { store } = services;
  const status = useStore(store, unreadStatus);
  const channelName = useStore(store, (s) => currentChannel(s)?.display_name);
  const teamName = useStore(store, (s) => currentTeam(s)?.display_name);

  useEffect(() => {
    document.title = pageTitle({ channelName, teamName, status });
  }, [channelName, teamName, status]);

  useEffect(() => {
    const onVisible = () => {
      const channelId = store.get().currentChannelId;
      if (document.visibilityState === "visible" && channelId) void channelViewer(services, channelId);
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [services, store]);
}
