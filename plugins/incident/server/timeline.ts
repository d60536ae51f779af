/**
 * @module incident/server/timeline
 * An incident's timeline (DESIGN.md section 10): every announced change is
 * recorded by the announcer with its time, actor and the bot's post; message
 * forwarding records each copy; people add posts they can read
 * (`event_from_post`) and remove those, and only those, so the timeline that
 * metrics are computed from cannot be edited by hand. A post on the timeline
 * follows its original: deleted with it, re-quoted when it is edited.
 * Events go to whoever may see the incident.
 */
import { newId } from "#common/ids.ts";
import { invalid, notAllowed, notFound } from "#common/plugin-errors.ts";
import type { Post } from "#common/wire.ts";
import { forwardedPostPropsSchema } from "../common/forwarded-post.ts";
import { TIMELINE_EVENTS, type TimelineEntry, type TimelineType, type UpdateAction } from "../common/types.ts";
import type { IncidentDeps } from "./incident-deps.ts";
import { changeableIncident } from "./policies.ts";
import type { IncidentRecord } from "./store.ts";

/** The timeline type of each announced change; changes not listed (a due time moved) are not recorded. */
export const TIMELINE_TYPE_OF: Partial<Record<UpdateAction, TimelineType>> = {
  started: "incident_started",
  stage_changed: "stage_changed",
  severity_changed: "severity_changed",
  commander_changed: "commander_changed",
  role_changed: "role_changed",
  checklist_item_added: "checklist_item_added",
  checklist_item_removed: "checklist_item_removed",
  checklist_item_checked: "checklist_item_checked",
  checklist_item_unchecked: "checklist_item_unchecked",
  checklist_item_restored: "checklist_item_restored",
  checklist_item_assigned: "checklist_item_assigned",
  status_update_posted: "status_update",
  rules_reloaded: "rules_reloaded",
  alert_received: "alert_received",
  alert_resolved: "alert_resolved",
  ended: "incident_ended",
};

/** The types that quote a post of someone's, and so follow it when it is edited or deleted. */
const QUOTING_TYPES: readonly TimelineType[] = ["event_from_post", "message_forwarded"];

/** How much of a post an entry quotes. */
const EXCERPT_MAX = 280;

/** The summary of a forwarded copy (the bot's post), from its props; null when they cannot be read. */
export function forwardedSummary(copy: Post): string | null {
  const parsed = forwardedPostPropsSchema.safeParse(copy.props);
  if (!parsed.success) return null;
  const { source_channel_name, author_name, excerpt } = parsed.data;
  const text = excerpt.replace(/\s+/g, " ").trim();
  return `Forwarded from ~${source_channel_name} by @${author_name}: ${text.length > EXCERPT_MAX ? `${text.slice(0, EXCERPT_MAX - 1)}…` : text}`;
}

/** Store an entry and tell those who may see the incident. */
export async function recordTimelineEntry(
  deps: IncidentDeps,
  props: {
    incident: Pick<IncidentRecord, "id" | "channel_id" | "team_id" | "private">;
    type: TimelineType;
    actorId: string;
    summary: string;
    postId?: string;
    details?: TimelineEntry["details"];
    at?: number;
  },
): Promise<TimelineEntry> {
  const entry: TimelineEntry = {
    id: newId(),
    incident_id: props.incident.id,
    type: props.type,
    create_at: props.at ?? deps.ctx.clock.now(),
    actor_user_id: props.actorId,
    summary: props.summary.slice(0, 1000),
    post_id: props.postId ?? "",
    details: props.details ?? {},
  };
  await deps.store.insertTimelineEntry(entry);
  deps.ctx.realtime.publish(TIMELINE_EVENTS.added, { incident_id: entry.incident_id, entry }, incidentScope(props.incident));
  // Extensions (event subscriptions) hear of every entry; a failing one never fails the change.
  await deps.changes.fireTimelineEntry(entry);
  return entry;
}

/** Who hears of an incident: the team for a public one, the channel's members for a private one. */
export function incidentScope(incident: Pick<IncidentRecord, "channel_id" | "team_id" | "private">) {
  return incident.private ? { channelId: incident.channel_id } : { teamId: incident.team_id };
}

/** The first line of a markdown message, for an entry's summary. */
export function summaryOf(message: string): string {
  const line = message.split("\n").find((l) => l.trim()) ?? "";
  return line.trim().slice(0, 500);
}

/** A post's text as an entry quotes it. */
function excerptOf(post: Post): string {
  const text = post.message.replace(/\s+/g, " ").trim();
  return text.length > EXCERPT_MAX ? `${text.slice(0, EXCERPT_MAX - 1)}…` : text;
}

/**
 * The post, if the user may read it and it may go on this incident's
 * timeline: a post of the incident channel, or of a public channel of the
 * incident's team — never of another private channel or a direct message,
 * whose text would reach the incident's readers who cannot read it there.
 */
export async function timelinePost(
  deps: IncidentDeps,
  props: { userId: string; postId: string; incident: Pick<IncidentRecord, "channel_id" | "team_id">; param?: string },
): Promise<Post> {
  const { ctx } = deps;
  const param = props.param ?? "post_id";
  const post = await ctx.posts.get(props.postId);
  if (!post || post.delete_at || !(await ctx.channels.canRead(props.userId, post.channel_id)))
    throw notFound("incident.timeline.post_not_found", `${param}: no post with id ${props.postId} that you can read`);
  if (post.channel_id === props.incident.channel_id) return post;
  const channel = await ctx.channels.get(post.channel_id);
  if (!channel || channel.type !== "O" || channel.team_id !== props.incident.team_id)
    throw notAllowed(
      "incident.timeline.post_private",
      `${param}: only posts of the incident channel or of the team's public channels can go on the incident's timeline; this one is in a private channel or a direct message, which the incident's other readers may not see`,
    );
  return post;
}

/** Add a post to the timeline as `event_from_post`; allowed after the end too. */
export async function timelinePostAdder(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; postId: string },
): Promise<TimelineEntry> {
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId, allowEnded: true });
  const post = await timelinePost(deps, { userId: props.actorId, postId: props.postId, incident });
  return recordPostEvent(deps, { incident, post, actorId: props.actorId });
}

/** Record a post (already checked with {@link timelinePost}) as `event_from_post`. */
export async function recordPostEvent(
  deps: IncidentDeps,
  props: { incident: IncidentRecord; post: Post; actorId: string },
): Promise<TimelineEntry> {
  const { ctx } = deps;
  const { post } = props;
  const existing = await deps.store.timelineEntriesOfPost(post.id, ["event_from_post"]);
  const same = existing.find((e) => e.incident_id === props.incident.id);
  if (same) return same;
  const [author, channel] = await Promise.all([ctx.users.get(post.user_id), ctx.channels.get(post.channel_id)]);
  return recordTimelineEntry(deps, {
    incident: props.incident,
    type: "event_from_post",
    actorId: props.actorId,
    summary: `@${author?.username ?? "unknown"}: ${excerptOf(post)}`,
    postId: post.id,
    details: {
      channel_id: post.channel_id,
      channel_name: channel?.name ?? "",
      author_user_id: post.user_id,
      post_create_at: post.create_at,
    },
  });
}

/** Remove an `event_from_post` entry; any other type answers 400. Allowed after the end too. */
export async function timelineEntryRemover(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; entryId: string },
): Promise<void> {
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId, allowEnded: true });
  const entry = await deps.store.getTimelineEntry(incident.id, props.entryId);
  if (!entry) throw notFound("incident.timeline.not_found", `entry_id: no timeline entry ${props.entryId} in this incident`);
  if (entry.type !== "event_from_post")
    throw invalid(
      "incident.timeline.not_removable",
      `entry_id: this ${entry.type} entry is a record of the incident and cannot be removed; only entries added from posts (event_from_post) can`,
    );
  await removeEntry(deps, incident, entry);
}

async function removeEntry(deps: IncidentDeps, incident: IncidentRecord, entry: TimelineEntry): Promise<void> {
  await deps.store.deleteTimelineEntry(entry.id);
  deps.ctx.realtime.publish(TIMELINE_EVENTS.removed, { incident_id: incident.id, entry_id: entry.id }, incidentScope(incident));
}

/** Entries follow the posts they quote: removed when the post is deleted, re-quoted when it is edited. */
export function followQuotedPosts(deps: IncidentDeps): void {
  const { ctx, store } = deps;
  const incidentsOf = async (post: Post) => {
    const entries = await store.timelineEntriesOfPost(post.id, QUOTING_TYPES);
    const found: Array<{ entry: TimelineEntry; incident: IncidentRecord }> = [];
    for (const entry of entries) {
      const incident = await store.getIncident(entry.incident_id);
      if (incident) found.push({ entry, incident });
    }
    return found;
  };
  ctx.hooks.onMessageDeleted(async (post) => {
    for (const { entry, incident } of await incidentsOf(post)) await removeEntry(deps, incident, entry);
  });
  ctx.hooks.onMessageUpdated(async (post) => {
    for (const { entry, incident } of await incidentsOf(post)) {
      const summary =
        entry.type === "message_forwarded"
          ? forwardedSummary(post)
          : `@${(await ctx.users.get(post.user_id))?.username ?? "unknown"}: ${excerptOf(post)}`;
      if (summary === null || summary === entry.summary) continue;
      await store.setTimelineSummary(entry.id, summary);
      ctx.realtime.publish(TIMELINE_EVENTS.added, { incident_id: incident.id, entry: { ...entry, summary } }, incidentScope(incident));
    }
  });
}
