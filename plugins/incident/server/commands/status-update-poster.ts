/**
 * @module incident/server/commands/status-update-poster
 * Post a status update: a `custom_incident_status_update` card in the
 * incident channel, a copy in each of the playbook's `broadcast` channels the
 * bot may post in (a private incident's only in private ones: its updates
 * never reach anyone who cannot read its channel, except the members of a
 * private channel its playbook chose), a note in the incident channel for
 * each channel skipped, the timeline entry, and the next reminder.
 */
import { newId } from "#common/ids.ts";
import { LIMITS } from "#common/limits.ts";
import type { Channel } from "#common/wire.ts";
import { STATUS_UPDATE_POST_TYPE, type BroadcastOutcome, type StatusUpdate, type StatusUpdatePostProps } from "../../common/types.ts";
import { announce, postAsBot } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { scheduleStatusReminder } from "../reminders.ts";
import type { IncidentRecord } from "../store.ts";

/** Post a status update as the actor; answers it with what happened in each broadcast channel. */
export async function statusUpdatePoster(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; message: string },
): Promise<StatusUpdate> {
  const { ctx, store } = deps;
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  const author = await ctx.users.get(props.actorId);
  const now = ctx.clock.now();
  const id = newId();
  const postProps: StatusUpdatePostProps = {
    incident_id: incident.id,
    incident_name: incident.name,
    status_update_id: id,
    author_user_id: props.actorId,
    severity: incident.severity,
    stage: incident.current_stage,
    channel_id: incident.channel_id,
    channel_name: incident.channel_name,
    broadcast: false,
  };
  const text = cardText({ incident, author: author?.username ?? "someone", message: props.message });
  await store.updateIncident(incident.id, { last_status_update_at: now });
  const announced = await announce(deps, {
    incident,
    action: "status_update_posted",
    actorId: props.actorId,
    message: text,
    postType: STATUS_UPDATE_POST_TYPE,
    props: { ...postProps },
    timeline: {
      summary: `@${author?.username ?? "someone"} posted a status update: ${oneLine(props.message)}`,
      details: { status_update_id: id },
    },
    trigger: { name: "status_update_posted", values: { message: props.message, status_update_id: id } },
  });
  const broadcast = await broadcastPost(deps, {
    incident,
    text,
    type: STATUS_UPDATE_POST_TYPE,
    props: { ...postProps, broadcast: true },
  });
  const skipped = broadcast.filter((b) => b.status === "skipped");
  if (skipped.length)
    await postAsBot(deps, {
      channelId: incident.channel_id,
      userId: deps.bot.id,
      message: skipped.map((b) => `The status update was not copied to ~${b.channel_name}: ${b.reason}`).join("\n"),
    });
  const update: StatusUpdate = {
    id,
    incident_id: incident.id,
    message: props.message,
    author_user_id: props.actorId,
    post_id: announced.postId,
    severity: incident.severity,
    stage: incident.current_stage,
    create_at: now,
    broadcast,
  };
  await store.insertStatusUpdate(update);
  await scheduleStatusReminder(deps, { ...incident, last_status_update_at: now });
  return update;
}

/** The card's markdown, for clients that do not render the post type. */
function cardText(props: { incident: IncidentRecord; author: string; message: string }): string {
  const { incident } = props;
  const head = `**Status update** · ${incident.name} · ${incident.severity} · ${incident.current_stage} · by @${props.author}`;
  return `${head}\n\n${props.message}`.slice(0, LIMITS.postMessageMax);
}

function oneLine(message: string): string {
  const text = message.replace(/\s+/g, " ").trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/**
 * Copy a post (a status update's card, a published retrospective) to each of
 * the incident's broadcast channels the bot may post in; say why for each one skipped.
 */
export async function broadcastPost(
  deps: IncidentDeps,
  props: { incident: IncidentRecord; text: string; type: string; props: Record<string, unknown> },
): Promise<BroadcastOutcome[]> {
  const { ctx, bot } = deps;
  const outcomes: BroadcastOutcome[] = [];
  for (const name of props.incident.broadcast) {
    const skip = (reason: string, channelId = ""): void =>
      void outcomes.push({ channel_name: name, channel_id: channelId, status: "skipped", post_id: "", reason });
    const channel = await ctx.channels.getByName(props.incident.team_id, name);
    if (!channel) {
      skip("no channel of that name in the team");
      continue;
    }
    const refusal = await broadcastRefusal(deps, { incident: props.incident, channel });
    if (refusal) {
      skip(refusal, channel.id);
      continue;
    }
    try {
      const post = await ctx.posts.create({
        channelId: channel.id,
        userId: bot.id,
        message: props.text,
        type: props.type,
        props: { ...props.props, incident_id: props.incident.id },
      });
      outcomes.push({ channel_name: name, channel_id: channel.id, status: "posted", post_id: post.id, reason: "" });
    } catch (error) {
      ctx.log.warn("could not copy a status update", { incident_id: props.incident.id, channel_id: channel.id, error: String(error) });
      skip("the bot could not post there", channel.id);
    }
  }
  return outcomes;
}

/**
 * Why the bot may not copy an update to this channel, or null when it may.
 * A private incident's updates go to private channels only; the bot joins a
 * public channel of the team as anyone may, but a private channel must have
 * added it.
 */
async function broadcastRefusal(deps: IncidentDeps, props: { incident: IncidentRecord; channel: Channel }): Promise<string | null> {
  const { ctx, bot } = deps;
  const { incident, channel } = props;
  if (channel.id === incident.channel_id) return "it is the incident channel";
  if (channel.delete_at) return "the channel is archived";
  if (channel.type !== "O" && channel.type !== "P") return "it is not a channel of the team";
  if (incident.private && channel.type !== "P") return "a private incident's updates go only to private channels, and this one is public";
  if (await ctx.channels.isMember(channel.id, bot.id)) return null;
  if (channel.type === "P") return `the bot is not a member of this private channel; add @${bot.username} to it`;
  await ctx.channels.addMember({ channelId: channel.id, userId: bot.id });
  return null;
}
