/**
 * @module automation/host-actions
 * Actions the host offers to workflows: `post_message`, `create_channel`,
 * `add_user_to_channel`, `http_request`. Each runs as the workflow's `run_as`
 * user with exactly that user's permissions — the same checks the HTTP API
 * makes for that user — and never more.
 */
import { STATUS_CODES } from "node:http";
import { z } from "zod";
import type { ActionDefinition, OutboundResponse } from "#plugin-api";
import { oneOf } from "#common/automation-params.ts";
import { expectedError } from "#common/errors.ts";
import type { Channel, User } from "#common/wire.ts";
import { AppError, badRequest, forbidden } from "../errors.ts";
import type { Host } from "../host.ts";
import { canPostInChannel, canReadChannel, channelMemberAddRefusal } from "../policies/channel.ts";
import { channelCreator, channelMemberAdder, getChannelByName } from "../services/channels.ts";
import { postCreator } from "../services/posts.ts";
import { getUser, getUserByUsername } from "../services/users.ts";
import { legacyAllowlistEntries, parseAllowedConnections } from "../http/internal-address.ts";
import { ALLOWLIST_SETTING, isAllowedTarget, readAllowlist } from "./http-allowlist.ts";

/**
 * How long an `http_request` may take. A failed call is a 424 (Failed
 * Dependency): the workflow's target failed, not Sitrep.
 */
export const HTTP_TIMEOUT_MS = 10_000;
/** How much of a response body `http_request` keeps. */
export const HTTP_BODY_MAX = 64 * 1024;

const str = (params: Record<string, unknown>, key: string): string => {
  const value = params[key];
  return value === undefined || value === null ? "" : String(value);
};

/** The acting user, or a 403 when it is missing or deactivated. */
async function actor(host: Host, actorId: string): Promise<User> {
  const user = await getUser(host, actorId);
  if (!user || user.delete_at) throw forbidden("run_as: the workflow's user is missing or deactivated.");
  return user;
}

/** A channel of the team by name that the actor may read; otherwise a 400 that reveals nothing more. */
async function readableByName(host: Host, props: { user: User; teamId: string; name: string; field: string }): Promise<Channel> {
  const name = props.name.trim().replace(/^~/, "");
  if (!name) throw badRequest("automation.channel.required", `${props.field}: is required`);
  const channel = await getChannelByName(host, props.teamId, name);
  if (!channel || !(await canReadChannel(host, props.user, channel))) {
    throw badRequest("automation.channel.not_found", `${props.field}: no channel "${name}" that @${props.user.username} can read`);
  }
  return channel;
}

const postMessageParams = z.object({
  channel: z.string().describe("Channel name, e.g. status."),
  message: z.string().describe("Markdown text."),
});

export function postMessageAction(host: Host): ActionDefinition<typeof postMessageParams> {
  return {
    name: "post_message",
    description: "Post a message in a channel of the workflow's team, as run_as (who must be able to post there).",
    parameters: postMessageParams,
    returns: {
      post_id: { type: "string", description: "Id of the new post." },
      channel_id: { type: "string", description: "Id of the channel." },
    },
    async run({ params, actorId, teamId }) {
      const user = await actor(host, actorId);
      const channel = await readableByName(host, { user, teamId, name: params.channel, field: "channel" });
      if (!(await canPostInChannel(host, user, channel)))
        throw forbidden(`channel: @${user.username} may not post in ~${channel.name} (not a member)`);
      const post = await postCreator(host, {
        input: { channel_id: channel.id, message: params.message },
        author: { user, via: "plugin" },
      });
      return { post_id: post.id, channel_id: channel.id };
    },
    preview: ({ params }) => `post in ~${params.channel.replace(/^~/, "")}: ${params.message}`,
  };
}

const createChannelParams = z.object({
  name: z.string().describe("Channel name: lowercase letters, digits, '-' and '_'."),
  display_name: z.string().optional().describe("Shown name (default: the name)."),
  private: z.boolean().optional().describe("Private channel (default false)."),
  purpose: z.string().optional().describe("One line about the channel."),
});

export function createChannelAction(host: Host): ActionDefinition<typeof createChannelParams> {
  return {
    name: "create_channel",
    description: "Create a channel in the workflow's team; run_as becomes its first member.",
    parameters: createChannelParams,
    returns: {
      channel_id: { type: "string", description: "Id of the channel." },
      channel_name: { type: "string", description: "Name of the channel." },
    },
    async run({ params, actorId, teamId }) {
      const user = await actor(host, actorId);
      const channel = await channelCreator(host, {
        input: {
          team_id: teamId,
          name: params.name,
          display_name: params.display_name || params.name,
          type: params.private ? "P" : "O",
          ...(params.purpose ? { purpose: params.purpose } : {}),
        },
        creator: user,
      });
      return { channel_id: channel.id, channel_name: channel.name };
    },
    preview: ({ params }) => `create ${params.private ? "private" : "public"} channel ~${params.name}`,
  };
}

const addUserToChannelParams = z.object({
  channel: z.string().describe("Channel name."),
  username: z.string().describe("Who to add (without @)."),
});

export function addUserToChannelAction(host: Host): ActionDefinition<typeof addUserToChannelParams> {
  return {
    name: "add_user_to_channel",
    description: "Add a team member to a channel; run_as must be a member of that channel (as in the API).",
    parameters: addUserToChannelParams,
    returns: {
      channel_id: { type: "string", description: "Id of the channel." },
      user_id: { type: "string", description: "Id of the added user." },
    },
    async run({ params, actorId, teamId }) {
      const user = await actor(host, actorId);
      const channel = await readableByName(host, { user, teamId, name: params.channel, field: "channel" });
      const target = await getUserByUsername(host, params.username);
      if (!target || target.delete_at)
        throw badRequest("automation.user.not_found", `username: no active user "${params.username.replace(/^@/, "")}"`);
      const refusal = await channelMemberAddRefusal(host, { actor: user, channel, targetId: target.id });
      if (refusal === "not_a_member")
        throw forbidden(`channel: @${user.username} must be a member of ~${channel.name} to add others to it`);
      if (refusal === "target_not_on_team") throw forbidden(`username: @${target.username} is not a member of this channel's team`);
      await channelMemberAdder(host, { channelId: channel.id, userId: target.id, actorId: user.id });
      return { channel_id: channel.id, user_id: target.id };
    },
    preview: ({ params }) => `add @${params.username.replace(/^@/, "")} to ~${params.channel.replace(/^~/, "")}`,
  };
}

const METHODS: [string, ...string[]] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** Validate an `http_request` target and its input; a 400 naming the field otherwise. */
async function checkedRequest(
  host: Host,
  params: Record<string, unknown>,
): Promise<{ url: URL; method: string; headers: Record<string, string>; body?: string; allowlist: string[] }> {
  const method = (str(params, "method") || "POST").toUpperCase();
  if (!METHODS.includes(method)) throw badRequest("automation.http_request.method", `method: must be one of ${METHODS.join(", ")}`);
  let url: URL;
  try {
    url = new URL(str(params, "url"));
  } catch {
    throw badRequest("automation.http_request.url", `url: "${str(params, "url")}" is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badRequest("automation.http_request.url", "url: must be http or https");
  const allowlist = await readAllowlist(host);
  if (!isAllowedTarget(url, allowlist)) {
    throw forbidden(
      `url: ${url.host} is not in the workflow plugin's ${ALLOWLIST_SETTING} setting (${allowlist.length ? allowlist.join(", ") : "empty: no target is allowed"})`,
    );
  }
  const headers: Record<string, string> = {};
  const rawHeaders = params.headers;
  if (rawHeaders !== undefined && rawHeaders !== null) {
    if (typeof rawHeaders !== "object" || Array.isArray(rawHeaders))
      throw badRequest("automation.http_request.headers", "headers: must be a map of header names to values");
    for (const [name, value] of Object.entries(rawHeaders)) headers[name.toLowerCase()] = String(value);
  }
  let body: string | undefined;
  if (params.body !== undefined && params.body !== null && params.body !== "") {
    if (typeof params.body === "string") body = params.body;
    else {
      body = JSON.stringify(params.body);
      headers["content-type"] ??= "application/json";
    }
  }
  return { url, method, headers, body, allowlist };
}

const httpRequestParams = z.object({
  method: oneOf(METHODS, { optional: true }).describe("GET, POST (default), PUT, PATCH or DELETE."),
  url: z.string().describe("Absolute http(s) URL; its host must be allowed."),
  headers: z
    .record(z.string(), z.unknown(), { error: "must be a map of header names to values" })
    .nullish()
    .describe("Map of header names to values."),
  body: z.unknown().optional().describe("A string sent as is, or a JSON value sent as application/json."),
});

export function httpRequestAction(host: Host): ActionDefinition<typeof httpRequestParams> {
  return {
    name: "http_request",
    description: `Call an HTTP endpoint allowed by the workflow plugin's ${ALLOWLIST_SETTING} setting; a non-2xx answer fails the step.`,
    parameters: httpRequestParams,
    returns: {
      status: { type: "number", description: "HTTP status." },
      body: { type: "string", description: "Response body (first 64 KB)." },
      json: { type: "json", description: "The body parsed as JSON, when it is JSON." },
    },
    async run({ params, actorId }) {
      await actor(host, actorId);
      const request = await checkedRequest(host, params);
      let response: OutboundResponse;
      try {
        response = await host.outbound.fetch(request.url.href, {
          method: request.method,
          headers: request.headers,
          body: request.method === "GET" ? undefined : request.body,
          // No redirects: a redirect could lead past the allow-list.
          maxRedirects: 0,
          timeoutMs: HTTP_TIMEOUT_MS,
          // What the legacy allow-list names is reachable even when internal, as it was before the setting existed.
          alsoAllowed: parseAllowedConnections(legacyAllowlistEntries(request.allowlist).join(" ")).allowed,
        });
      } catch (error) {
        const expected = expectedError(error);
        if (expected?.id === "http.fetch.refused") throw error;
        throw new AppError({
          status: 424,
          id: "automation.http_request.unreachable",
          message: `http_request: ${request.method} ${request.url.href} failed: ${expected?.message ?? String(error)}`,
        });
      }
      const text = response.text.slice(0, HTTP_BODY_MAX);
      if (response.status < 200 || response.status > 299) {
        throw new AppError({
          status: 424,
          id: "automation.http_request.status",
          message:
            `http_request: ${request.method} ${request.url.href} answered ${response.status} ${STATUS_CODES[response.status] ?? ""}`.trim(),
        });
      }
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: response.status, body: text, json };
    },
    async preview({ params }) {
      const request = await checkedRequest(host, params);
      return `${request.method} ${request.url.href}${request.body ? ` with body ${request.body}` : ""}`;
    },
  };
}

/** All four host actions. */
export function hostActions(host: Host): ActionDefinition[] {
  return [postMessageAction(host), createChannelAction(host), addUserToChannelAction(host), httpRequestAction(host)];
}
