/**
 * @module commands/builtins
 * The built-in slash commands Mattermost users type without thinking —
 * `/me`, `/shrug`, `/echo`, `/join`, `/leave`, `/msg`, `/header`, `/purpose`,
 * `/invite`, `/kick` (and `/remove`), `/search`, `/away`, `/online`, `/dnd`,
 * `/offline`, `/mute`, `/help` — registered by the
 * host before plugins and workflows, so their triggers are reserved. Each
 * checks what the matching REST route checks, through the same policies and
 * services; a user mistake is a 4xx whose message the composer shows.
 */
import type { CommandArgs, CommandDefinition, CommandResponse } from "#plugin-api";
import type { Channel, User, UserStatus } from "#common/wire.ts";
import { badRequest, forbidden } from "../errors.ts";
import type { Host } from "../host.ts";
import { canManageChannel, channelManageForbidden, channelMemberAddRefusal, channelNotFound, canReadChannel } from "../policies/channel.ts";
import { channelMemberAdder, channelNotifyPropsUpdater, getChannel, getChannelByName, getChannelMember } from "../services/channels.ts";
import { statusSetter } from "../services/presence.ts";
import { channelMemberRemover, channelPatcher } from "../services/channel-management.ts";
import { directChannelOpener } from "../services/direct-channels.ts";
import { postSearcher } from "../services/post-search.ts";
import { postCreator } from "../services/posts.ts";
import { getTeam } from "../services/teams.ts";
import { getUser, getUserByUsername } from "../services/users.ts";

/** The text after the trigger, as typed (quotes kept). */
function restOf(args: CommandArgs): string {
  return args.command.replace(/^\/\S+\s*/, "");
}

/** The caller and the channel the command runs in (both exist: the execute route checked the channel). */
async function callerAndChannel(host: Host, args: CommandArgs): Promise<{ user: User; channel: Channel }> {
  const [user, channel] = await Promise.all([getUser(host, args.userId), getChannel(host, args.channelId)]);
  if (!user || !channel) throw channelNotFound();
  return { user, channel };
}

/** A user named `@name` or `name`, or a 400 naming who was not found. */
async function namedUser(host: Host, name: string | undefined, usage: string): Promise<User> {
  if (!name) throw badRequest("api.command.user.missing", `text: name a user: ${usage}`);
  const user = await getUserByUsername(host, name);
  if (!user || user.delete_at) throw badRequest("api.command.user.not_found", `text: no user ${name.startsWith("@") ? name : `@${name}`}`);
  return user;
}

/** A channel of the team named `~name` or `name` that the caller may read, or one 404 for "missing" and "hidden". */
async function namedChannel(host: Host, props: { user: User; teamId: string; name: string }): Promise<Channel> {
  const channel = await getChannelByName(host, props.teamId, props.name.replace(/^~/, "").toLowerCase());
  if (!channel || !(await canReadChannel(host, props.user, channel)))
    throw badRequest("api.command.channel.not_found", `text: no channel ${props.name} you can see in this team`);
  return channel;
}

/** The channel a command names (`~name`, of the team it runs in), or the one it runs in when it names none. */
async function namedOrHere(
  host: Host,
  props: { user: User; here: Channel; args: CommandArgs; name: string | undefined },
): Promise<Channel> {
  if (!props.name) return props.here;
  return namedChannel(host, { user: props.user, teamId: props.here.team_id || props.args.teamId, name: props.name });
}

/** Where a channel is in the web app. */
async function channelPath(host: Host, channel: Channel): Promise<string> {
  const team = await getTeam(host, channel.team_id);
  return team ? `/${team.name}/channels/${channel.name}` : "";
}

/** A command that posts the text in the channel as the caller, transformed (`/me`, `/shrug`, `/echo`). */
function postingCommand(props: { trigger: string; description: string; hint: string; message(text: string): string }): CommandDefinition {
  return {
    trigger: props.trigger,
    description: props.description,
    hint: props.hint,
    execute(args): CommandResponse {
      return { response_type: "in_channel", text: props.message(restOf(args)) };
    },
  };
}

/** `/header` and `/purpose`: change that field of the channel, as `PUT /channels/{id}/patch` would. */
function channelFieldCommand(host: Host, field: "header" | "purpose"): CommandDefinition {
  return {
    trigger: field,
    description: `Edit the channel ${field}`,
    hint: "[text]",
    async execute(args) {
      const { user, channel } = await callerAndChannel(host, args);
      if (!(await canManageChannel(host, user, channel))) throw channelManageForbidden(`change its ${field}`);
      await channelPatcher(host, { channel, patch: { [field]: restOf(args) } });
      return { text: `Channel ${field} updated.` };
    },
  };
}

/** Remove a member (`/kick @user`, `/remove @user`) as `DELETE /channels/{id}/members/{user}` would. */
function kickCommand(host: Host, trigger: string): CommandDefinition {
  return {
    trigger,
    description: "Remove a member from the channel",
    hint: "@[username]",
    async execute(args) {
      const { user, channel } = await callerAndChannel(host, args);
      const target = await namedUser(host, args.args[0], `/${trigger} @username`);
      if (target.id !== user.id && !(await canManageChannel(host, user, channel))) throw channelManageForbidden("remove others from it");
      await channelMemberRemover(host, { channel, userId: target.id, removerId: user.id });
      return { text: `@${target.username} was removed from the channel.` };
    },
  };
}

/** `/away`, `/online`, `/dnd`, `/offline`: set the caller's status, as `PUT /users/{id}/status` would; Mattermost's answers. */
function statusCommand(host: Host, props: { status: UserStatus["status"]; description: string; text: string }): CommandDefinition {
  return {
    trigger: props.status,
    description: props.description,
    hint: "",
    async execute(args) {
      await statusSetter(host, { userId: args.userId, status: props.status });
      return { text: props.text };
    },
  };
}

/**
 * `/mute [~channel]`: mute or unmute a channel for the caller, as Mattermost's
 * `ToggleMuteChannel` does — `notify_props.mark_unread` `mention` (muted: only
 * mentions mark it unread) or back to `all`.
 */
function muteCommand(host: Host): CommandDefinition {
  return {
    trigger: "mute",
    description: "Turn off desktop, email and push notifications for the current channel or the [channel] specified",
    hint: "~[channel]",
    async execute(args) {
      const { user, channel: here } = await callerAndChannel(host, args);
      const channel = await namedOrHere(host, { user, here, args, name: args.args[0] });
      const member = await getChannelMember(host, channel.id, user.id);
      if (!member) throw badRequest("api.command_mute.not_member.error", `text: you are not a member of ~${channel.name}`);
      const muted = member.notify_props.mark_unread === "mention";
      await channelNotifyPropsUpdater(host, {
        channelId: channel.id,
        userId: user.id,
        notifyProps: { mark_unread: muted ? "all" : "mention" },
      });
      const shown = channel.type === "D" || channel.type === "G" ? "this channel" : `~${channel.name}`;
      return {
        text: muted ? `${shown} is now unmuted.` : `You will not receive notifications for ${shown} until channel mute is turned off.`,
      };
    },
  };
}

const SEARCH_RESULTS_SHOWN = 10;

/** The built-in commands, for `host.commands.register("host", …)`. */
export function builtinCommands(host: Host): CommandDefinition[] {
  return [
    postingCommand({ trigger: "me", description: "Do an action", hint: "[message]", message: (text) => `*${text}*` }),
    postingCommand({
      trigger: "shrug",
      description: "Adds ¯\\_(ツ)_/¯ to your message",
      hint: "[message]",
      message: (text) => `${text ? `${text} ` : ""}¯\\\\\\_(ツ)\\_/¯`,
    }),
    postingCommand({
      trigger: "echo",
      description: "Echo back text from your account",
      hint: '"message"',
      message: (text) => text.replace(/^"(.*)"$/s, "$1"),
    }),
    {
      trigger: "join",
      description: "Join the open channel",
      hint: "~[channel]",
      async execute(args) {
        const { user, channel: here } = await callerAndChannel(host, args);
        const name = args.args[0];
        if (!name) throw badRequest("api.command.join.missing", "text: name a channel: /join ~channel");
        const channel = await namedChannel(host, { user, teamId: here.team_id || args.teamId, name });
        if (channel.type !== "O") throw forbidden("You can join only public channels; ask a member to add you.");
        await channelMemberAdder(host, { channelId: channel.id, userId: user.id, actorId: user.id });
        return { goto_location: await channelPath(host, channel) };
      },
    },
    {
      trigger: "leave",
      description: "Leave the current channel",
      hint: "",
      async execute(args) {
        const { user, channel } = await callerAndChannel(host, args);
        await channelMemberRemover(host, { channel, userId: user.id, removerId: user.id });
        return { text: `You left ~${channel.name}.` };
      },
    },
    {
      trigger: "msg",
      description: "Send a direct message to a user",
      hint: "@[username] [message]",
      async execute(args) {
        const { user } = await callerAndChannel(host, args);
        const target = await namedUser(host, args.args[0], "/msg @username message");
        const direct = await directChannelOpener(host, { creator: user, userIds: [user.id, target.id] });
        const message = restOf(args).replace(/^\S+\s*/, "");
        if (message) await postCreator(host, { input: { channel_id: direct.id, message }, author: { user, via: "api" } });
        const team = await getTeam(host, args.teamId);
        return { goto_location: team ? `/${team.name}/messages/@${target.username}` : "" };
      },
    },
    channelFieldCommand(host, "header"),
    channelFieldCommand(host, "purpose"),
    {
      trigger: "invite",
      description: "Invite a user to a channel",
      hint: "@[username] ~[channel]",
      async execute(args) {
        const { user, channel: here } = await callerAndChannel(host, args);
        const target = await namedUser(host, args.args[0], "/invite @username ~channel");
        const channel = await namedOrHere(host, { user, here, args, name: args.args[1] });
        const refusal = await channelMemberAddRefusal(host, { actor: user, channel, targetId: target.id });
        if (refusal === "not_a_member") throw forbidden("You must be a member of the channel to add others to it.");
        if (refusal === "target_not_on_team") throw forbidden(`@${target.username} is not a member of this channel's team.`);
        if (refusal === "direct_or_group")
          throw badRequest("api.channel.add_member.direct", "channel: the members of a direct or group message are fixed");
        await channelMemberAdder(host, { channelId: channel.id, userId: target.id, actorId: user.id });
        return { text: `@${target.username} added to ~${channel.name}.` };
      },
    },
    kickCommand(host, "kick"),
    kickCommand(host, "remove"),
    {
      trigger: "search",
      description: "Search text in messages",
      hint: "[text]",
      async execute(args) {
        const { user, channel } = await callerAndChannel(host, args);
        const terms = restOf(args);
        if (!terms.trim()) throw badRequest("api.command.search.missing", "text: give words to search for: /search words");
        const teamId = channel.team_id || args.teamId;
        const results = await postSearcher(host, { user, teamId, terms, isOrSearch: false, page: 0, perPage: SEARCH_RESULTS_SHOWN });
        const team = await getTeam(host, teamId);
        const lines = results.order.map((id) => {
          const post = results.posts[id];
          const excerpt = (post?.message ?? "").replace(/\s+/g, " ").slice(0, 120);
          return `- [${excerpt || "(no text)"}](${host.config.siteUrl}/${team?.name ?? ""}/pl/${id})`;
        });
        return { text: lines.length ? `Messages matching "${terms}":\n${lines.join("\n")}` : `No messages match "${terms}".` };
      },
    },
    statusCommand(host, { status: "away", description: "Set your status away", text: "You are now away" }),
    statusCommand(host, { status: "online", description: "Set your status online", text: "You are now online" }),
    statusCommand(host, {
      status: "dnd",
      description: "Do not disturb disables desktop and mobile push notifications",
      text: "Do Not Disturb is enabled. You will not receive desktop or mobile push notifications until Do Not Disturb is turned off.",
    }),
    statusCommand(host, { status: "offline", description: "Set your status offline", text: "You are now offline" }),
    muteCommand(host),
    {
      trigger: "help",
      description: "Show the slash commands you can use here",
      hint: "",
      execute(args) {
        const lines = host.commands
          .autocomplete({ teamIds: new Set([args.teamId]) })
          .map((c) => `- \`/${c.trigger}${c.auto_complete_hint ? ` ${c.auto_complete_hint}` : ""}\` ${c.auto_complete_desc}`);
        return { text: `Slash commands:\n${lines.join("\n")}` };
      },
    },
  ];
}
