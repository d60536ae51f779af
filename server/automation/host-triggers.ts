/**
 * @module automation/host-triggers
 * Triggers the host offers to workflows: `message_posted` (from the post path's
 * `onMessagePosted` hook), `slash_command` (a word a workflow declares, e.g.
 * `/deploy`), `webhook` (an HTTP POST to a workflow's hook URL, served by the
 * Workflow plugin) and `schedule` (cron, run once across processes).
 */
import type { Disposable, FiredTrigger, TriggerDefinition } from "#plugin-api";
import { containsText, keywordList, keywordMatches, postText } from "#common/text-match.ts";
import { isDirectOrGroup, type Post } from "#common/wire.ts";
import { badRequest } from "../errors.ts";
import type { Host } from "../host.ts";
import { getChannel } from "../services/channels.ts";
import { getUser } from "../services/users.ts";
import { parseCron, scheduleTicks } from "./schedule.ts";

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : "");
const channelName = (v: unknown) => lower(v).replace(/^~/, "");

/** `message_posted`: channel by name, `contains` (substring), `keywords` (whole words, any), `from_user`. */
export const messagePostedTrigger: TriggerDefinition = {
  name: "message_posted",
  description: "A message is posted in a channel (its text includes the text of Slack-style attachments).",
  parameters: {
    channel: { type: "string", description: "Channel name, e.g. alerts (only posts there)." },
    contains: { type: "string", description: "Case-insensitive text the message must contain." },
    keywords: { type: "string[]", description: "Any of these whole words, case-insensitively (the forwarding rule)." },
    from_user: { type: "string", description: "Username of the author (or the webhook's display name)." },
  },
  provides: {
    post_id: { type: "string", description: "Id of the post." },
    message: { type: "string", description: "The post's message." },
    text: { type: "string", description: "Message and attachment text together." },
    channel_id: { type: "string", description: "Id of the channel." },
    channel_name: { type: "string", description: "Name of the channel." },
    user_id: { type: "string", description: "Id of the author." },
    username: { type: "string", description: "Username of the author." },
    team_id: { type: "string", description: "Id of the team." },
  },
  matches(where, event) {
    const v = event.values;
    if (where.channel !== undefined && channelName(where.channel) !== lower(v.channel_name)) return false;
    const text = typeof v.text === "string" ? v.text : String(v.message ?? "");
    if (typeof where.contains === "string" && where.contains && !containsText(text, where.contains)) return false;
    const keywords = keywordList(where.keywords);
    if (keywords.length && !keywords.some((k) => keywordMatches(text, k))) return false;
    if (where.from_user !== undefined) {
      const want = lower(where.from_user).replace(/^@/, "");
      if (![v.username, v.override_username, v.webhook_display_name].some((name) => lower(name) === want)) return false;
    }
    return true;
  },
};

/** `slash_command`: a workflow declares a word; `/word args` fires it while the workflow is enabled. */
export function slashCommandTrigger(host: Host): TriggerDefinition {
  return {
    name: "slash_command",
    description: "Someone runs the slash command the workflow declares (where.trigger), e.g. /deploy api.",
    parameters: {
      trigger: {
        type: "string",
        required: true,
        description: "The command word, without the slash; registered while the workflow is enabled.",
      },
      channel: { type: "string", description: "Only when run in this channel (name)." },
    },
    provides: {
      command: { type: "string", description: "The whole command line." },
      text: { type: "string", description: "Everything after the word." },
      args: { type: "string[]", description: "The words after the trigger, split like a shell." },
      user_id: { type: "string", description: "Who ran it." },
      username: { type: "string", description: "Username of who ran it." },
      channel_id: { type: "string", description: "Channel it ran in." },
      channel_name: { type: "string", description: "Name of that channel." },
      team_id: { type: "string", description: "Team it ran in." },
    },
    matches(where, event) {
      return where.channel === undefined || channelName(where.channel) === lower(event.values.channel_name);
    },
    subscribe(subscription, fire): Disposable {
      const word = typeof subscription.where.trigger === "string" ? subscription.where.trigger.replace(/^\//, "").toLowerCase() : "";
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(word)) {
        throw badRequest(
          "automation.slash_command.trigger",
          "where.trigger: must be a command word of letters, digits, '-' and '_' (without the slash)",
        );
      }
      return host.commands.register("host", {
        trigger: word,
        description: `Run the workflow "${subscription.label}"`,
        hint: "[text]",
        // Listed and run in the workflow's team only: other teams never learn of it.
        teamId: subscription.teamId,
        async execute(args) {
          const [user, channel] = await Promise.all([getUser(host, args.userId), getChannel(host, args.channelId)]);
          const text = args.command.replace(/^\/\S+\s*/, "");
          fire({
            teamId: args.teamId,
            channelId: args.channelId,
            values: {
              command: args.command,
              text,
              args: args.args,
              user_id: args.userId,
              username: user?.username ?? "",
              channel_id: args.channelId,
              channel_name: channel?.name ?? "",
              team_id: args.teamId,
            },
          });
          return { response_type: "ephemeral", text: `Workflow "${subscription.label}" triggered.` };
        },
      });
    },
  };
}

/** `webhook`: an HTTP POST to the workflow's hook URL; the JSON body's keys are the values. */
export const webhookTrigger: TriggerDefinition = {
  name: "webhook",
  description:
    "An HTTP POST to the workflow's hook URL (/plugins/workflow/api/v1/hooks/<workflow-id>/<secret>); the JSON body's keys become trigger values.",
  parameters: {},
  provides: {
    received_at: { type: "number", description: "When the request arrived (ms since the epoch)." },
  },
  openValues: true,
};

/** `schedule`: a cron expression, in UTC unless a timezone is given; each tick runs once across processes. */
export function scheduleTrigger(host: Host, onError: (error: unknown) => void): TriggerDefinition {
  return {
    name: "schedule",
    description:
      'On a cron schedule, e.g. "0 9 * * 1-5" (five fields, or six with seconds first); each tick runs once across all server processes.',
    parameters: {
      cron: { type: "string", required: true, description: "Cron expression." },
      timezone: { type: "string", description: "IANA timezone of the expression (default UTC)." },
    },
    provides: {
      scheduled_at: { type: "string", description: "The tick, as an ISO 8601 time." },
      scheduled_at_ms: { type: "number", description: "The tick, in ms since the epoch." },
    },
    // The subscription is the condition: every tick it receives is a match.
    matches: () => true,
    subscribe(subscription, fire): Disposable {
      parseCron(subscription.where.cron, subscription.where.timezone);
      return scheduleTicks({
        db: host.workspace.views().typed<unknown>(),
        key: `schedule:${subscription.key}`,
        cron: String(subscription.where.cron),
        timezone: typeof subscription.where.timezone === "string" ? subscription.where.timezone : undefined,
        onTick: (tickAt) =>
          fire({ teamId: subscription.teamId, values: { scheduled_at: new Date(tickAt).toISOString(), scheduled_at_ms: tickAt } }),
        onError,
      });
    },
  };
}

/** The values `message_posted` provides for a post, or null when the post is not one to offer (system posts). */
export async function messagePostedEvent(host: Host, post: Post): Promise<Omit<FiredTrigger, "trigger" | "depth" | "target"> | null> {
  if (post.type.startsWith("system_")) return null;
  const channel = await getChannel(host, post.channel_id);
  // Direct and group messages are their members' only: no workflow reads them.
  if (!channel || isDirectOrGroup(channel)) return null;
  const author = await getUser(host, post.user_id);
  return {
    teamId: channel.team_id,
    channelId: channel.id,
    values: messagePostedValues({ post, channel, username: author?.username ?? "" }),
  };
}

/**
 * The trigger values of a post in a channel: its message, its text (the one
 * "text of a post"), where and by whom it was posted.
 */
export function messagePostedValues(props: {
  post: Post;
  channel: { id: string; name: string; team_id: string };
  username: string;
}): Record<string, unknown> {
  const { post, channel } = props;
  const postProps = post.props ?? {};
  return {
    post_id: post.id,
    message: post.message,
    text: postText(post),
    channel_id: channel.id,
    channel_name: channel.name,
    user_id: post.user_id,
    username: props.username,
    team_id: channel.team_id,
    ...(typeof postProps.override_username === "string" ? { override_username: postProps.override_username } : {}),
    ...(typeof postProps.webhook_display_name === "string" && postProps.webhook_display_name
      ? { webhook_display_name: postProps.webhook_display_name }
      : {}),
  };
}
