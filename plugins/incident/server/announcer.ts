/**
 * @module incident/server/announcer
 * The one way a change is made known: the bot's update post in the incident
 * channel (who did what), the timeline entry, the realtime events, and the
 * workflow trigger.
 */
import {
  UPDATE_POST_TYPE,
  INCIDENT_EVENTS,
  INCIDENT_REMOVED_EVENT,
  type Incident,
  type NoticeAction,
  type TimelineEntry,
  type UpdateAction,
} from "../common/types.ts";
import type { NewPost } from "#plugin-api";
import { creditFor } from "./credit.ts";
import { presentIncident } from "./presenter.ts";
import type { IncidentDeps, IncidentTriggerName } from "./incident-deps.ts";
import type { IncidentRecord } from "./store.ts";
import { incidentScope, recordTimelineEntry, summaryOf, TIMELINE_TYPE_OF } from "./timeline.ts";

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
  /** The post's type, when not an update card (a status update is its own card). */
  postType?: string;
  /** The timeline entry's details and, when not the message's first line, its summary. */
  timeline?: { details?: TimelineEntry["details"]; summary?: string };
}

/** What an announcement left: the incident as it is now, the bot's post ("" if it failed), the timeline entry. */
export interface Announced {
  incident: Incident;
  postId: string;
  entry: TimelineEntry | null;
}

/**
 * Post the update as the bot, publish `incident_updated` (and
 * `incident_created`/`incident_ended`), tell the change listeners, fire the
 * trigger. Returns the incident as it is now. A failing post or listener is
 * logged: the change itself is already stored.
 */
export async function announceChange(deps: IncidentDeps, announcement: Announcement): Promise<Incident> {
  return (await announce(deps, announcement)).incident;
}

/** {@link announceChange}, answering the post and the timeline entry too. */
export async function announce(deps: IncidentDeps, announcement: Announcement): Promise<Announced> {
  const { store } = deps;
  const fresh = (await store.getIncident(announcement.incident.id)) ?? announcement.incident;
  const incident = presentIncident(fresh, await store.listItems(fresh.id));
  const postId = await postAsBot(deps, {
    channelId: fresh.channel_id,
    userId: deps.bot.id,
    message: announcement.message,
    type: announcement.postType ?? UPDATE_POST_TYPE,
    props: { incident_id: fresh.id, action: announcement.action, actor_id: announcement.actorId, ...announcement.props },
  });
  const type = TIMELINE_TYPE_OF[announcement.action];
  const entry = type
    ? await recordTimelineEntry(deps, {
        incident: fresh,
        type,
        actorId: announcement.actorId,
        summary: announcement.timeline?.summary ?? summaryOf(announcement.message),
        postId,
        details: announcement.timeline?.details,
      })
    : null;
  publishIncident(deps, incident, announcement.action);
  await deps.changes.fire({ incident: fresh, action: announcement.action });
  if (announcement.trigger) {
    const values = { ...(await triggerValues(deps, fresh, announcement.actorId)), ...announcement.trigger.values };
    deps.fire(announcement.trigger.name, { teamId: fresh.team_id, channelId: fresh.channel_id, values });
  }
  return { incident, postId, entry };
}

/**
 * Post as the bot in the incident channel; if that fails (someone removed the
 * bot), add it back and try once more. Answers the post's id, "" when it
 * could not post (logged): the change itself is already stored.
 */
export async function postAsBot(deps: IncidentDeps, post: NewPost): Promise<string> {
  const { ctx, bot } = deps;
  try {
    return (await ctx.posts.create(post)).id;
  } catch (error) {
    try {
      await ctx.channels.addMember({ channelId: post.channelId, userId: bot.id });
      return (await ctx.posts.create(post)).id;
    } catch {
      ctx.log.error("could not post in the incident channel", { channel_id: post.channelId, type: post.type, error: String(error) });
      return "";
    }
  }
}

/** A bot post that tells but changes nothing (a reminder, an overdue item): no event, no timeline entry. */
export async function postNotice(
  deps: IncidentDeps,
  props: { incident: IncidentRecord; action: NoticeAction; message: string; props?: Record<string, unknown> },
): Promise<string> {
  return postAsBot(deps, {
    channelId: props.incident.channel_id,
    userId: deps.bot.id,
    message: props.message,
    type: UPDATE_POST_TYPE,
    props: { incident_id: props.incident.id, action: props.action, actor_id: deps.bot.id, ...props.props },
  });
}

/**
 * Publish the incident's events to those who may see it: the team for a
 * public incident, the channel's members for a private one.
 */
export function publishIncident(deps: IncidentDeps, incident: Incident, action: UpdateAction): void {
  const scope = incidentScope(incident);
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
    severity: incident.severity,
    drill: incident.drill,
    actor: actor?.username ?? "",
    actor_user_id: actorId,
  };
}

/** "@alice", "@alice via workflow \"X\"" when a workflow acts for alice, or "someone" for a user that no longer exists. */
export async function mention(deps: IncidentDeps, userId: string): Promise<string> {
  const credit = creditFor(userId);
  const person = credit ? await deps.ctx.users.get(credit.userId) : null;
  if (credit && person) return `@${person.username} via workflow "${credit.workflow}"`;
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
