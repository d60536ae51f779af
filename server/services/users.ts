/**
 * @module services/users
 * Users: sign-up, lookup, roles, deactivation, bot accounts.
 */
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { LIMITS, usernameSchema } from "#common/limits.ts";
import { systemAdminRole, systemUserRole, type User } from "#common/wire.ts";
import { transactionLock } from "../db/index.ts";
import type { UserRow } from "../db/schema.ts";
import { AppError, badRequest, conflict, forbidden, fromZodError, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../auth/passwords.ts";

/** A system admin's roles, as Mattermost writes them. */
const ADMIN_ROLES = `${systemAdminRole} ${systemUserRole}`;
const USER_ROLES = systemUserRole;

/** Sign-up input, as `POST /api/v4/users` takes it. */
export const newUserSchema = z.object({
  username: usernameSchema,
  email: z.string().email("must be a valid email address").max(128),
  password: z.string().min(LIMITS.passwordMin, `must be at least ${LIMITS.passwordMin} characters`).max(LIMITS.passwordMax),
  first_name: z.string().max(64).optional(),
  last_name: z.string().max(64).optional(),
  nickname: z.string().max(64).optional(),
});
export type NewUser = z.infer<typeof newUserSchema>;

/** The columns of 0014 as a new user has them: unset, presented as Mattermost's defaults. */
export const USER_PROFILE_UNSET = { position: "", locale: "", timezone: "", notify_props: "", props: "", bot_description: "" } as const;

/** The locales Sitrep's clients are written in (`AvailableLocales` of the client config). */
export const AVAILABLE_LOCALES = ["en"] as const;

/** Mattermost's timezone of a person who never set one: follow the device's. */
const DEFAULT_TIMEZONE = { useAutomaticTimezone: "true", automaticTimezone: "", manualTimezone: "" };

/** Mattermost's notification settings of a new user (`User.SetDefaultNotifications`). */
const DEFAULT_NOTIFY_PROPS = {
  email: "true",
  push: "mention",
  desktop: "mention",
  desktop_sound: "true",
  mention_keys: "",
  channel: "true",
  first_name: "false",
  comments: "never",
  push_status: "away",
  push_threads: "all",
  desktop_threads: "all",
  email_threads: "all",
};

/** A JSON column of string values (timezone, notify_props, props) read over its defaults; "" or unreadable is the defaults. */
function stringRecord(json: string, defaults: Record<string, string>): Record<string, string> {
  const parsed = z.record(z.string(), z.string()).safeParse(json ? safeJson(json) : {});
  return { ...defaults, ...(parsed.success ? parsed.data : {}) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The API shape of a user row, with Mattermost's fields. */
export function presentUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    nickname: row.nickname,
    roles: row.roles,
    is_bot: row.is_bot === 1,
    create_at: row.create_at,
    update_at: row.update_at,
    delete_at: row.delete_at,
    auth_service: "",
    locale: row.locale || AVAILABLE_LOCALES[0],
    timezone: stringRecord(row.timezone, DEFAULT_TIMEZONE),
    notify_props: stringRecord(row.notify_props, DEFAULT_NOTIFY_PROPS),
    props: stringRecord(row.props, {}),
    position: row.position,
    last_picture_update: 0,
    ...(row.is_bot === 1 ? { bot_description: row.bot_description } : {}),
  };
}

/** How a sign-in's credentials checked out: the account, or the refusal and the account it named ("" for none). */
export type CredentialsCheck = { ok: true; user: User } | { ok: false; accountId: string; error: AppError };

/**
 * The account behind a login id (username or email, any case) and password,
 * or the refusal: one answer for an unknown id, a bot and a wrong password
 * (a deactivated account's included), and one password hash checked for
 * each — the dummy one when the id names no account with a password — so
 * neither the answer nor the work tells which. A deactivated account given
 * its right password is told so, as Mattermost does.
 */
export async function credentialsChecker(
  host: Pick<Host, "db" | "config">,
  props: { loginId: string; password: string },
): Promise<CredentialsCheck> {
  const login = props.loginId.trim().toLowerCase();
  const row = await host.db
    .selectFrom("users")
    .selectAll()
    .where((eb) => eb.or([eb("username", "=", login), eb("email", "=", login)]))
    .executeTakeFirst();
  const checkable = row && !row.is_bot && row.password_hash ? row : null;
  const verify = host.config.passwordVerifier ?? verifyPassword;
  const matches = await verify(checkable?.password_hash ?? DUMMY_PASSWORD_HASH, props.password);
  if (!checkable || !matches)
    return {
      ok: false,
      accountId: row?.id ?? "",
      error: new AppError({
        status: 401,
        id: "api.user.login.invalid_credentials_email_username",
        message: "Enter a valid email or username and/or password.",
      }),
    };
  if (checkable.delete_at)
    return {
      ok: false,
      accountId: checkable.id,
      error: new AppError({
        status: 401,
        id: "api.user.login.inactive",
        message: "Login failed because your account has been deactivated.",
      }),
    };
  return { ok: true, user: presentUser(checkable) };
}

/** A page of users by username, optionally only those in a team, in a channel, or not in a channel. */
export async function userLister(
  host: Host,
  props: { page: number; perPage: number; inTeam?: string; inChannel?: string; notInChannel?: string },
): Promise<User[]> {
  let query = host.db.selectFrom("users").selectAll("users");
  if (props.inTeam)
    query = query
      .innerJoin("team_members", "team_members.user_id", "users.id")
      .where("team_members.team_id", "=", props.inTeam)
      .where("team_members.delete_at", "=", 0);
  if (props.inChannel)
    query = query
      .innerJoin("channel_members", "channel_members.user_id", "users.id")
      .where("channel_members.channel_id", "=", props.inChannel);
  if (props.notInChannel)
    query = query.where(
      "users.id",
      "not in",
      host.db.selectFrom("channel_members").select("user_id").where("channel_id", "=", props.notInChannel),
    );
  const rows = await query
    .orderBy("users.username")
    .limit(props.perPage)
    .offset(props.page * props.perPage)
    .execute();
  return rows.map(presentUser);
}

/**
 * Create a user. The first user of the workspace becomes `system_admin`; later
 * sign-ups need open sign-up, unless an admin creates them (`byAdmin`).
 * Sign-ups run one at a time (a lock no other write takes): "is this the
 * first user?" and "is the name taken?" are read and written in one step,
 * so twenty people signing up at once on a new workspace make one admin, and
 * a username or email taken at the same moment is the same 409 as one taken
 * before. The password is hashed before, outside the lock.
 */
export async function userCreator(host: Host, props: { input: unknown; byAdmin?: boolean; admin?: boolean }): Promise<User> {
  const parsed = newUserSchema.safeParse(props.input);
  if (!parsed.success) throw fromZodError(parsed.error, "api.user.create.invalid");
  const input = parsed.data;
  return personInserter(host, {
    person: {
      username: input.username,
      email: input.email,
      password_hash: await hashPassword(input.password),
      first_name: input.first_name ?? "",
      last_name: input.last_name ?? "",
      nickname: input.nickname ?? "",
    },
    signUp: props.byAdmin ? "by_admin" : "open_only",
    admin: props.admin,
  });
}

/** The fields of a person's account that its creator chooses. */
export type NewPerson = Pick<UserRow, "username" | "email" | "password_hash" | "first_name" | "last_name" | "nickname">;

/**
 * Insert a person's account (not a bot) in one transaction: the first person
 * becomes a system admin; after that, `open_only` refuses while sign-up is
 * closed (an admin's creation, `by_admin`, and a single sign-on provider's,
 * `provider`, do not); a taken username or email is a 409 naming which.
 */
export async function personInserter(
  host: Host,
  props: { person: NewPerson; signUp: "open_only" | "by_admin" | "provider"; admin?: boolean },
): Promise<User> {
  const { person } = props;
  const email = person.email.toLowerCase();
  const now = Date.now();
  return host.db.transaction().execute(async (trx) => {
    await transactionLock(trx, "users.create");
    const existing = await trx.selectFrom("users").select("id").where("is_bot", "=", 0).limit(1).executeTakeFirst();
    const first = !existing;
    if (!first && !host.config.openSignup && props.signUp === "open_only")
      throw forbidden("Sign-up is closed on this workspace; ask a system admin for an account.");
    const taken = await trx
      .selectFrom("users")
      .select(["username", "email"])
      .where((eb) => eb.or([eb("username", "=", person.username), eb("email", "=", email)]))
      .executeTakeFirst();
    if (taken?.username === person.username) throw conflict("api.user.username_taken", `username: "${person.username}" is already taken`);
    if (taken) throw conflict("api.user.email_taken", `email: an account with this email already exists`);
    const row: UserRow = {
      ...person,
      id: newId(),
      email,
      roles: first || props.admin ? ADMIN_ROLES : USER_ROLES,
      is_bot: 0,
      bot_owner_id: "",
      create_at: now,
      update_at: now,
      delete_at: 0,
      ...USER_PROFILE_UNSET,
    };
    await trx.insertInto("users").values(row).execute();
    return presentUser(row);
  });
}

/** A bot as Mattermost's `/api/v4/bots` answers it. */
export interface Bot {
  user_id: string;
  username: string;
  display_name: string;
  description: string;
  /** The user who made it, or the plugin whose bot it is. */
  owner_id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
}

/** The `/api/v4/bots` shape of a bot's user row. */
export function presentBot(row: UserRow): Bot {
  return {
    user_id: row.id,
    username: row.username,
    display_name: row.first_name,
    description: row.bot_description,
    owner_id: row.bot_owner_id,
    create_at: row.create_at,
    update_at: row.update_at,
    delete_at: row.delete_at,
  };
}

/** A new bot's user row: no password (a bot signs in with a personal access token), owned by a user or a plugin. */
function newBotRow(props: { ownerId: string; username: string; displayName: string; description: string }): UserRow {
  const now = Date.now();
  return {
    id: newId(),
    username: props.username,
    email: `${props.username}@bots.sitrep.invalid`,
    password_hash: "",
    first_name: props.displayName,
    last_name: "",
    nickname: "",
    roles: USER_ROLES,
    is_bot: 1,
    bot_owner_id: props.ownerId,
    create_at: now,
    update_at: now,
    delete_at: 0,
    ...USER_PROFILE_UNSET,
    bot_description: props.description,
  };
}

/** `POST /api/v4/bots` input, as Mattermost takes it. */
export const newBotSchema = z.object({
  username: usernameSchema,
  display_name: z.string().max(LIMITS.displayNameMax, `must be at most ${LIMITS.displayNameMax} characters`).default(""),
  description: z.string().max(1024, "must be at most 1024 characters").default(""),
});

/** Create a bot owned by `ownerId` (who may is the route's rule); a taken username is a 409. */
export async function botCreator(host: Host, props: { ownerId: string; input: z.infer<typeof newBotSchema> }): Promise<Bot> {
  const row = newBotRow({ ownerId: props.ownerId, ...props.input, displayName: props.input.display_name });
  const taken = await host.db.selectFrom("users").select("id").where("username", "=", row.username).executeTakeFirst();
  if (taken) throw conflict("api.bot.create.username_taken", `username: "${row.username}" is already taken`);
  await host.db.insertInto("users").values(row).execute();
  return presentBot(row);
}

/** A page of bots by username; deactivated ones only with `includeDeleted`. */
export async function botLister(host: Host, props: { page: number; perPage: number; includeDeleted: boolean }): Promise<Bot[]> {
  let query = host.db.selectFrom("users").selectAll().where("is_bot", "=", 1);
  if (!props.includeDeleted) query = query.where("delete_at", "=", 0);
  const rows = await query
    .orderBy("username")
    .limit(props.perPage)
    .offset(props.page * props.perPage)
    .execute();
  return rows.map(presentBot);
}

/** A bot by its user id, or null (a person's id is no bot). */
export async function getBot(host: Host, userId: string): Promise<Bot | null> {
  const row = await host.db.selectFrom("users").selectAll().where("id", "=", userId).where("is_bot", "=", 1).executeTakeFirst();
  return row ? presentBot(row) : null;
}

/** Create a plugin's bot once, or return it. Bots cannot log in with a password. */
export async function botEnsurer(
  host: Host,
  props: { pluginId: string; username: string; displayName: string; description?: string },
): Promise<User> {
  const existing = await host.db.selectFrom("users").selectAll().where("username", "=", props.username).executeTakeFirst();
  if (existing) {
    if (existing.is_bot !== 1) throw conflict("api.bot.username_taken", `username: "${props.username}" belongs to a person, not a bot`);
    return presentUser(existing);
  }
  const row = newBotRow({
    ownerId: props.pluginId,
    username: props.username,
    displayName: props.displayName,
    description: props.description ?? "",
  });
  await host.db
    .insertInto("users")
    .values(row)
    .onConflict((oc) => oc.column("username").doNothing())
    .execute();
  const stored = await host.db.selectFrom("users").selectAll().where("username", "=", props.username).executeTakeFirstOrThrow();
  return presentUser(stored);
}

/** Mattermost's string maps (timezone, notify_props, props): string values, a bounded number of them. */
const stringMapSchema = z
  .record(z.string().max(64, "keys must be at most 64 characters"), z.string().max(1024, "values must be at most 1024 characters"))
  .refine((map) => Object.keys(map).length <= 64, "must have at most 64 entries");

/** `PUT /api/v4/users/{id}/patch`: the fields a person sets on their own profile (username and email are not patched here). */
export const userPatchSchema = z.object({
  first_name: z.string().max(64, "must be at most 64 characters").optional(),
  last_name: z.string().max(64, "must be at most 64 characters").optional(),
  nickname: z.string().max(64, "must be at most 64 characters").optional(),
  position: z.string().max(128, "must be at most 128 characters").optional(),
  locale: z.enum(AVAILABLE_LOCALES, `must be one of ${AVAILABLE_LOCALES.join(", ")}`).optional(),
  timezone: stringMapSchema.optional(),
  notify_props: stringMapSchema.optional(),
  props: stringMapSchema.optional(),
});

/** A stored map with `patch` over it, as JSON (Mattermost's clients send only the keys they change); undefined without a patch. */
function mergedMap(stored: string, patch: Record<string, string> | undefined): string | undefined {
  return patch === undefined ? undefined : JSON.stringify({ ...stringRecord(stored, {}), ...patch });
}

/** Patch a user's profile with the fields given (who may is the route's rule) and answer the user as it now is. */
export async function userPatcher(host: Host, props: { userId: string; patch: z.infer<typeof userPatchSchema> }): Promise<User> {
  const { timezone, notify_props, props: userProps, ...plain } = props.patch;
  const current = await getUserRow(host, props.userId);
  if (!current) throw notFound("user", "user not found");
  await host.db
    .updateTable("users")
    .set({
      ...plain,
      // Kysely leaves out the undefined ones: a map not in the patch keeps its column.
      timezone: mergedMap(current.timezone, timezone),
      notify_props: mergedMap(current.notify_props, notify_props),
      props: mergedMap(current.props, userProps),
      update_at: Date.now(),
    })
    .where("id", "=", props.userId)
    .execute();
  host.caches.invalidate({ kind: "user", id: props.userId });
  const user = await getUser(host, props.userId);
  if (!user) throw notFound("user", "user not found");
  return user;
}

/**
 * Whether anyone has signed up (Mattermost's `NoAccounts` is its negation). Asked of the database only
 * until the answer is yes: users are deactivated, never deleted, so yes stays yes in every process.
 */
export function workspaceHasUsers(host: Pick<Host, "db" | "caches">): Promise<boolean> {
  const read = async () => (await host.db.selectFrom("users").select("id").limit(1).executeTakeFirst()) !== undefined;
  return host.caches.flag("hasUsers", read, (hasUsers) => hasUsers);
}

export async function getUserRow(host: Host, userId: string): Promise<UserRow | undefined> {
  return host.db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
}

export async function getUser(host: Host, userId: string): Promise<User | null> {
  const row = await getUserRow(host, userId);
  return row ? presentUser(row) : null;
}

export async function getUserByUsername(host: Host, username: string): Promise<User | null> {
  const row = await host.db
    .selectFrom("users")
    .selectAll()
    .where("username", "=", username.replace(/^@/, "").toLowerCase())
    .executeTakeFirst();
  return row ? presentUser(row) : null;
}

/** Users by username (a leading `@` ignored, any case); unknown names are left out. */
export async function usersByUsernames(host: Host, usernames: readonly string[]): Promise<User[]> {
  const names = [...new Set(usernames.map((name) => name.replace(/^@/, "").toLowerCase()))];
  if (names.length === 0) return [];
  const rows = await host.db.selectFrom("users").selectAll().where("username", "in", names).orderBy("username").execute();
  return rows.map(presentUser);
}

/** The ids of the other people in any channel `userId` is in (Mattermost's "known users"). */
export async function knownUserIds(host: Host, userId: string): Promise<string[]> {
  const rows = await host.db
    .selectFrom("channel_members as other")
    .innerJoin("channel_members as mine", "mine.channel_id", "other.channel_id")
    .select("other.user_id")
    .distinct()
    .where("mine.user_id", "=", userId)
    .where("other.user_id", "<>", userId)
    .orderBy("other.user_id")
    .execute();
  return rows.map((row) => row.user_id);
}

/** Mattermost's UsersStats: active people, bots left out. */
export async function userStats(host: Host): Promise<{ total_users_count: number }> {
  const row = await host.db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("delete_at", "=", 0)
    .where("is_bot", "=", 0)
    .executeTakeFirstOrThrow();
  return { total_users_count: Number(row.n) };
}

export async function getUsers(host: Host, userIds: string[]): Promise<User[]> {
  if (userIds.length === 0) return [];
  const rows = await host.db.selectFrom("users").selectAll().where("id", "in", userIds).execute();
  return rows.map(presentUser);
}

/** Set a user's roles (system admins only, checked by the caller). */
export async function rolesUpdater(host: Host, props: { userId: string; roles: string }): Promise<User> {
  const allowed = new Set([systemUserRole, systemAdminRole]);
  const roles = props.roles.split(/\s+/).filter(Boolean);
  const bad = roles.find((r) => !allowed.has(r));
  if (bad) throw badRequest("api.user.roles.invalid", `roles: unknown role "${bad}"; use ${systemUserRole} or ${systemAdminRole}`);
  const normalized = roles.includes(systemAdminRole) ? ADMIN_ROLES : USER_ROLES;
  const result = await host.db
    .updateTable("users")
    .set({ roles: normalized, update_at: Date.now() })
    .where("id", "=", props.userId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound("user", "user not found");
  host.caches.invalidate({ kind: "user", id: props.userId });
  const user = await getUser(host, props.userId);
  if (!user) throw notFound("user", "user not found");
  return user;
}

/** Deactivate a user and end their sessions. */
export async function userDeactivator(host: Host, props: { userId: string }): Promise<void> {
  const now = Date.now();
  const result = await host.db
    .updateTable("users")
    .set({ delete_at: now, update_at: now })
    .where("id", "=", props.userId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound("user", "user not found");
  await host.db.deleteFrom("sessions").where("user_id", "=", props.userId).execute();
  host.caches.invalidate({ kind: "user", id: props.userId });
}
