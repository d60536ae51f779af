/**
 * @module incident/server/announcer
 * The one way a change is made known: the bot's update post in the incident
 * channel (who did what), the realtime events, and the workflow trigger.
 */
import { UPDATE_POST_TYPE, INCIDENT_EVENTS, INCIDENT_REMOVED_EVENT, type Incident, type UpdateAction } from "../common/types.ts";
import { presentIncident } from "./presenter.ts";
import type { IncidentDeps, IncidentTriggerName } from "./incident-deps.ts";
import type { IncidentRecord } from "./store.ts";

/** A change to announce. */
export interface Announcement {
  incident: IncidentRecord;
  action: UpdateAction;
  actorId: string;
  /** Markdown for any client; the web plugin renders a card from `props`. */
  message: string;
  /** Extra props of the post (see docs/incident.md). */
  props?: Record<string, unknown>;
  /** The workflow trigger to fire, with values beyond the common ones. */
  trigger?: { name: IncidentTriggerName; values?: Record<string, unknown> };
}

/**
 * Post the update as the bot, publish `incident_updated` (and
 * `incident_created`/`incident_ended`), tell the change listeners, fire the
 * trigger. Returns the incident as it is now. A failing post or listener is
 * logged: the change itself is already stored.
 */
export async function announceChange(deps: IncidentDeps, announcement: Announcement): Promise<Incident> {
  const { ctx, store, bot } = deps;
  const fresh = (await store.getIncident(announcement.incident.id)) ?? announcement.incident;
  const incident = presentIncident(fresh, await store.listItems(fresh.id));
  const post = {
    channelId: fresh.channel_id,
    userId: bot.id,
    message: announcement.message,
    type: UPDATE_POST_TYPE,
    props: { incident_id: fresh.id, action: announcement.action, actor_id: announcement.actorId, ...announcement.props },
  };
  try {
    await ctx.posts.create(post);
  } catch (error) {
    // Someone may have removed the bot from the channel: add it back once.
    try {
      await ctx.channels.addMember({ channelId: fresh.channel_id, userId: bot.id });
      await ctx.posts.create(post);
    } catch {
      ctx.log.error("could not post the incident update", { incident_id: fresh.id, action: announcement.action, error: String(error) });
    }
  }
  publishIncident(deps, incident, announcement.action);
  await deps.changes.fire({ incident: fresh, action: announcement.action });
  if (announcement.trigger) {
    const values = { ...(await triggerValues(deps, fresh, announcement.actorId)), ...announcement.trigger.values };
    deps.fire(announcement.trigger.name, { teamId: fresh.team_id, channelId: fresh.channel_id, values });
  }
  return incident;
}

/**
 * Publish the incident's events to those who may see it: the team for a
 * public incident, the channel's members for a private one.
 */
export function publishIncident(deps: IncidentDeps, incident: Incident, action: UpdateAction): void {
  const scope = incident.private ? { channelId: incident.channel_id } : { teamId: incident.team_id };
  if (action === "started") deps.ctx.realtime.publish(INCIDENT_EVENTS.created, { incident }, scope);
  deps.ctx.realtime.publish(INCIDENT_EVENTS.updated, { incident, action }, scope);
  if (action === "ended") deps.ctx.realtime.publish(INCIDENT_EVENTS.ended, { incident }, scope);
}

/** The values every incident trigger provides. */
async function triggerValues(deps: IncidentDeps, incident: IncidentRecord, actorId: string): Promise<Record<string, unknown>> {
  const [commander, actor] = await Promise.all([deps.ctx.users.get(incident.commander_user_id), deps.ctx.users.get(actorId)]);
  return {
    incident_id: incident.id,
    name: incident.name,
    team_id: incident.team_id,
    channel_id: incident.channel_id,
    channel_name: incident.channel_name,
    commander: commander?.username ?? "",
    commander_user_id: incident.commander_user_id,
    playbook: incident.playbook_name,
    stage: incident.current_stage,
    actor: actor?.username ?? "",
    actor_user_id: actorId,
  };
}

/** "@alice", or "someone" for a user that no longer exists. */
export async function mention(deps: IncidentDeps, userId: string): Promise<string> {
  const user = await deps.ctx.users.get(userId);
  return user ? `@${user.username}` : "someone";
}

/**
 * Tell a user who left (or was removed from) a channel that its private
 * incidents are gone for them ({@link INCIDENT_REMOVED_EVENT}); public
 * incidents stay readable to the team, so nothing is sent for them.
 */
export async function announceIncidentsRemoved(deps: IncidentDeps, props: { channelId: string; userId: string }): Promise<void> {
  const incidents = await deps.store.listIncidents({ channelId: props.channelId });
  for (const incident of incidents.filter((i) => i.private))
    deps.ctx.realtime.publish(
      INCIDENT_REMOVED_EVENT,
      { incident_id: incident.id, channel_id: incident.channel_id },
      { userId: props.userId },
    );
}
