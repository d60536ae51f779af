/**
 * @module post-menu
 * The Incident plugin's items in every post's "⋯" menu: "Add to incident
 * timeline" (the incident run in the post's channel, else one the user
 * picks in the RHS) and "Start incident from this message" (the start
 * dialog with the message quoted). Outcomes show atop the Incidents RHS.
 */
import type { WebPluginRegistry } from "#common/web-plugin-api.ts";
import type { Post } from "#common/wire.ts";
import type { IncidentPluginContext } from "./context.tsx";
import { toActionError } from "./incident-store.ts";

/** Posts a user may act on: saved (not a pending/failed local copy) and not deleted. */
function actionable(post: Post): boolean {
  return post.id !== "" && post.delete_at === 0;
}

export function registerPostMenuActions(registry: WebPluginRegistry, context: IncidentPluginContext): void {
  const { store, showRhs } = context;

  registry.registerPostMenuAction({
    text: "Add to incident timeline",
    filter: actionable,
    action: (post) => {
      void (async () => {
        try {
          const incident = await store.incidentOfChannel(post.channel_id);
          showRhs();
          if (!incident || incident.status !== "active") {
            store.setNotice(null);
            store.pickTimelineIncident(post.id);
            return;
          }
          await store.addToTimeline(incident.id, post.id);
          store.setNotice({ text: `Added to the timeline of ${incident.name}.`, error: false });
          store.open(incident.id, { tab: "timeline" });
        } catch (error) {
          showRhs();
          store.setNotice({ text: `Could not add to the timeline: ${toActionError(error).message}`, error: true });
        }
      })();
    },
  });

  registry.registerPostMenuAction({
    text: "Start incident from this message",
    filter: actionable,
    action: (post, location) => {
      const teamId = location.team?.id;
      if (!teamId) return;
      store.openStartDialog({ teamId, channelId: post.channel_id, postId: post.id }).catch((error: unknown) => {
        showRhs();
        store.setNotice({ text: `Could not open the start dialog: ${toActionError(error).message}`, error: true });
      });
    },
  });
}
