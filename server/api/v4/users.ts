/**
 * @module api/v4/users
 * Users, login/logout and personal access tokens (Mattermost API v4 paths).
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { LIMITS } from "#common/limits.ts";
import { userSchema } from "#common/wire-schemas.ts";
import { isSystemAdmin, type User } from "#common/wire.ts";
import { AppError, notFound } from "../../errors.ts";
import { passwordLoginOpen } from "../../auth/oidc.ts";
import type { Host } from "../../host.ts";
import { sessionEnder, sessionStarter } from "../../auth/sessions.ts";
import { signInAttemptTaker, signUpAttemptChecker } from "../../auth/login-throttle.ts";
import { expectedError } from "#common/errors.ts";
import { auditRecorder } from "../../services/audits.ts";
import { canBrowseTeam, canReadChannel, canSeeEmail, requireSelfOrAdmin, type Actor } from "../../policies/index.ts";
import { getChannel } from "../../services/channels.ts";
import { createHash } from "node:crypto";
import {
  credentialsChecker,
  getUser,
  getUserByUsername,
  getUsers,
  newUserSchema,
  rolesUpdater,
  userCreator,
  userDeactivator,
  userLister,
  userPatcher,
  userPatchSchema,
  usersByUsernames,
  userStats,
  knownUserIds,
} from "../../services/users.ts";
import { usersMatching } from "../../services/user-autocomplete.ts";
import { pageQuerySchema } from "#common/limits.ts";
import { hostRoute } from "../route.ts";
import { BODY_LIMITS } from "../body-limit.ts";

// No account has a longer username, email or password, so longer input is refused before any lookup or hashing.
const loginSchema = z.object({
  login_id: z.string().min(1, "is required").max(128, "must be at most 128 characters"),
  password: z.string().min(1, "is required").max(LIMITS.passwordMax, `must be at most ${LIMITS.passwordMax} characters`),
});
const listQuerySchema = pageQuerySchema().extend({
  in_team: z.string().optional(),
  in_channel: z.string().optional(),
  not_in_channel: z.string().optional(),
});
const userParams = z.object({ userId: z.string() });
const okSchema = z.object({ status: z.literal("OK") });

/** A user as `viewer` may see them: another person's email is hidden from non-admins, as Mattermost's privacy setting does by default. */
export function presentUserTo(viewer: Actor, user: User): User {
  return canSeeEmail(viewer, user) ? user : { ...user, email: "" };
}

/** A 403 while password sign-in (and sign-up) is turned off and an admin can sign in through the provider. */
async function requirePasswordLoginOpen(host: Host): Promise<void> {
  if (await passwordLoginOpen(host)) return;
  throw new AppError({
    status: 403,
    id: "api.user.login.password_disabled",
    message: `Password sign-in is turned off on this workspace; sign in with ${host.config.oidc?.name ?? "single sign-on"}.`,
  });
}

/** The cookies of a signed-in browser: the session (HTTP-only), the user id, and the CSRF token the web app sends back. */
export function setSessionCookies(reply: FastifyReply, props: { token: string; csrf: string; userId: string; secure: boolean }) {
  const base = { path: "/", sameSite: "lax" as const, secure: props.secure, maxAge: 30 * 24 * 60 * 60 };
  reply.setCookie("MMAUTHTOKEN", props.token, { ...base, httpOnly: true });
  reply.setCookie("MMUSERID", props.userId, base);
  reply.setCookie("MMCSRF", props.csrf, base);
}

/** `POST /users/search`, as Client4's `searchUsers` sends it (Mattermost's other fields are accepted and ignored). */
const userSearchSchema = z.object({
  term: z.string().max(64, "must be at most 64 characters"),
  team_id: z.string().optional(),
  in_channel_id: z.string().optional(),
  not_in_channel_id: z.string().optional(),
  limit: z.number("must be a number").int("must be a whole number").min(1, "must be 1 to 100").max(100, "must be 1 to 100").default(100),
});

/** The colours a generated avatar is drawn in, picked by the user's id. */
const AVATAR_COLOURS = ["#1f6feb", "#8250df", "#bf3989", "#cf222e", "#bc4c00", "#4d2d00", "#1a7f37", "#0969da", "#6639ba", "#57606a"];

/**
 * A generated avatar: the user's initials (first and last name, else the
 * username's first letter) on a colour picked by their id, as SVG.
 */
export function avatarSvg(user: Pick<User, "id" | "username" | "first_name" | "last_name">): string {
  const initials = (
    user.first_name && user.last_name ? `${user.first_name[0]}${user.last_name[0]}` : user.username.slice(0, 1)
  ).toUpperCase();
  const escaped = initials.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const colour = AVATAR_COLOURS[createHash("sha256").update(user.id).digest()[0]! % AVATAR_COLOURS.length];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">` +
    `<rect width="128" height="128" fill="${colour}"/>` +
    `<text x="64" y="64" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="56" fill="#ffffff">${escaped}</text></svg>`
  );
}

export function registerUserRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users",
    access: "none",
    summary: "Sign up (the first user becomes system admin), or create a user as an admin",
    body: newUserSchema,
    maxBodyBytes: BODY_LIMITS.credentials,
    invalidId: "api.user.create.invalid",
    response: userSchema,
    status: 201,
    // A taken username or email counts against the address as a failed sign-in does, so probing for accounts is as slow.
    policy: "open sign-up, or a system admin; refused sign-ups (taken username or email) are throttled per address",
    handler: async ({ body, user, request }) => {
      const byAdmin = user ? isSystemAdmin(user) : false;
      if (!byAdmin) await requirePasswordLoginOpen(host);
      const attempt = byAdmin ? null : await signUpAttemptChecker(host, { ip: request.ip });
      try {
        return await userCreator(host, { input: body, byAdmin });
      } catch (error) {
        if (attempt && expectedError(error)?.status === 409) await attempt.failed();
        throw error;
      }
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users/login",
    access: "none",
    summary: "Log in: the user, the session token in the Token header and the MMAUTHTOKEN cookie",
    body: loginSchema,
    maxBodyBytes: BODY_LIMITS.credentials,
    invalidId: "api.user.login.invalid",
    response: userSchema,
    policy: "throttled per address and per login id (429 with Retry-After); every attempt is audited",
    handler: async ({ body, reply, request }) => {
      await requirePasswordLoginOpen(host);
      const attempt = await signInAttemptTaker(host, { ip: request.ip, loginId: body.login_id });
      const checked = await credentialsChecker(host, { loginId: body.login_id, password: body.password });
      if (!checked.ok) {
        const reason = checked.error.id === "api.user.login.inactive" ? " (deactivated)" : "";
        await auditRecorder(host, { request, userId: checked.accountId, extraInfo: `failure - login_id=${body.login_id}${reason}` });
        throw checked.error;
      }
      await attempt.succeeded();
      const { user } = checked;
      const { token, csrf, session } = await sessionStarter(host, { userId: user.id });
      await auditRecorder(host, { request, userId: user.id, sessionId: session.id, extraInfo: "success" });
      setSessionCookies(reply, { token, csrf, userId: user.id, secure: host.config.siteUrl.startsWith("https:") });
      reply.header("Token", token);
      return user;
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users/logout",
    access: "none",
    summary: "End the caller's session and clear the cookies",
    response: okSchema,
    handler: async ({ request, reply }) => {
      if (request.auth) await sessionEnder(host, { token: request.auth.token });
      for (const name of ["MMAUTHTOKEN", "MMUSERID", "MMCSRF"]) reply.clearCookie(name, { path: "/" });
      return { status: "OK" };
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/me",
    access: "user",
    summary: "The caller",
    response: userSchema,
    handler: async ({ user }) => user,
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users",
    access: "user",
    summary: "A page of users, optionally in a team or channel (or not in a channel)",
    // A filter shows who is in a team or channel, so it needs the right to see them (as in Mattermost).
    policy: "in_team: team member; in_channel, not_in_channel: can read the channel",
    query: listQuerySchema,
    response: z.array(userSchema),
    handler: async ({ query, user: viewer }) => {
      if (query.in_team && !(await canBrowseTeam(host, viewer, query.in_team)))
        throw notFound("team", "in_team: team not found, or you are not a member of it");
      for (const [field, channelId] of [
        ["in_channel", query.in_channel],
        ["not_in_channel", query.not_in_channel],
      ] as const) {
        if (!channelId) continue;
        const channel = await getChannel(host, channelId);
        if (!channel || !(await canReadChannel(host, viewer, channel)))
          throw notFound("channel", `${field}: channel not found, or you do not have access to it`);
      }
      const users = await userLister(host, {
        page: query.page,
        perPage: query.per_page,
        inTeam: query.in_team,
        inChannel: query.in_channel,
        notInChannel: query.not_in_channel,
      });
      return users.map((u) => presentUserTo(viewer, u));
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users/ids",
    access: "user",
    summary: "Users by id",
    body: z.array(z.string()).max(1000, "must list at most 1000 ids"),
    response: z.array(userSchema),
    handler: async ({ body, user: viewer }) => (await getUsers(host, body)).map((u) => presentUserTo(viewer, u)),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/username/:name",
    access: "user",
    summary: "A user by username",
    params: z.object({ name: z.string() }),
    response: userSchema,
    handler: async ({ params, user: viewer }) => {
      const user = await getUserByUsername(host, params.name);
      if (!user) throw notFound("user", `no user named "${params.name}"`);
      return presentUserTo(viewer, user);
    },
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users/usernames",
    access: "user",
    summary: "Users by username (unknown names are left out)",
    body: z.array(z.string().max(64, "must be at most 64 characters")).max(1000, "must list at most 1000 usernames"),
    response: z.array(userSchema),
    handler: async ({ body, user: viewer }) => (await usersByUsernames(host, body)).map((u) => presentUserTo(viewer, u)),
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users/search",
    access: "user",
    summary: "Active users whose username or name starts with `term`, in a team or channel (or not in a channel)",
    policy: "team_id: team member; in_channel_id, not_in_channel_id: can read the channel",
    body: userSearchSchema,
    invalidId: "api.user.search_users.invalid",
    response: z.array(userSchema),
    handler: async ({ body, user: viewer }) => {
      if (body.team_id && !(await canBrowseTeam(host, viewer, body.team_id)))
        throw notFound("team", "team_id: team not found, or you are not a member of it");
      for (const [field, channelId] of [
        ["in_channel_id", body.in_channel_id],
        ["not_in_channel_id", body.not_in_channel_id],
      ] as const) {
        if (!channelId) continue;
        const channel = await getChannel(host, channelId);
        if (!channel || !(await canReadChannel(host, viewer, channel)))
          throw notFound("channel", `${field}: channel not found, or you do not have access to it`);
      }
      const users = await usersMatching(host, {
        name: body.term,
        limit: body.limit,
        teamId: body.team_id,
        channelId: body.in_channel_id,
        notInChannelId: body.not_in_channel_id,
      });
      return users.map((u) => presentUserTo(viewer, u));
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/known",
    access: "user",
    summary: "The ids of the people who share a channel with the caller",
    response: z.array(z.string()),
    handler: async ({ user }) => knownUserIds(host, user.id),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/stats",
    access: "user",
    summary: "How many active people (not bots) the workspace has",
    response: z.object({ total_users_count: z.number() }),
    handler: async () => userStats(host),
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/users/:userId/patch",
    access: "user",
    summary: "Change one's names, nickname, position, locale, timezone, notify_props or props",
    policy: "self or system admin",
    params: userParams,
    body: userPatchSchema,
    invalidId: "api.user.patch_user.invalid",
    response: userSchema,
    handler: async ({ params, body, user: viewer }) => {
      requireSelfOrAdmin({ viewer, userId: params.userId, message: "You may change only your own profile." });
      return presentUserTo(viewer, await userPatcher(host, { userId: params.userId, patch: body }));
    },
  });

  for (const path of ["/api/v4/users/:userId/image", "/api/v4/users/:userId/image/default"])
    hostRoute(app, host, {
      method: "GET",
      path,
      access: "user",
      summary: "A user's picture: generated from their initials (SVG), cacheable by its ETag",
      params: userParams,
      handler: async ({ params, request, reply }) => {
        const user = await getUser(host, params.userId);
        if (!user) throw notFound("user", "user not found");
        const svg = avatarSvg(user);
        const etag = `"${createHash("sha256").update(svg).digest("base64url").slice(0, 22)}"`;
        void reply.header("etag", etag).header("cache-control", "private, max-age=3600");
        if (request.headers["if-none-match"] === etag) return reply.status(304).send();
        return reply.type("image/svg+xml").send(svg);
      },
    });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId",
    access: "user",
    summary: "A user by id (me: the caller)",
    params: userParams,
    response: userSchema,
    handler: async ({ params, user: viewer }) => {
      const user = await getUser(host, params.userId);
      if (!user) throw notFound("user", "user not found");
      return presentUserTo(viewer, user);
    },
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/users/:userId/roles",
    access: "system_admin",
    summary: "Set a user's system roles",
    params: userParams,
    body: z.object({ roles: z.string().min(1, "is required") }),
    response: okSchema,
    handler: async ({ params, body, request }) => {
      const user = await rolesUpdater(host, { userId: params.userId, roles: body.roles });
      await auditRecorder(host, { request, extraInfo: `user=${user.id} roles=${user.roles}` });
      return { status: "OK" };
    },
  });

  hostRoute(app, host, {
    method: "DELETE",
    path: "/api/v4/users/:userId",
    access: "user",
    summary: "Deactivate a user and end their sessions",
    policy: "self or system admin",
    params: userParams,
    response: okSchema,
    handler: async ({ params, user: viewer, request }) => {
      requireSelfOrAdmin({ viewer, userId: params.userId, message: "Only system admins may deactivate other users." });
      await userDeactivator(host, { userId: params.userId });
      await auditRecorder(host, { request, extraInfo: `user=${params.userId} deactivated` });
      return { status: "OK" };
    },
  });
}
