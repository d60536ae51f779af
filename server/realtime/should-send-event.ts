/**
 * @module realtime/should-send-event
 * Who receives a realtime event, decided in one place, as Mattermost's
 * `WebConn.ShouldSendEvent` does. A publisher says what an event is about (its
 * `EventScope`: a channel, a team, one user, the system admins, or everyone);
 * this predicate decides for each connection, from the connection's user and
 * that user's memberships. Delivery asks it for open connections and for
 * closed ones kept for a resume alike, so a replay never shows what live
 * delivery would not.
 */
import type { EventScope } from "#plugin-api";
import type { Host } from "../host.ts";
import { channelMemberIds } from "../services/channels.ts";

/** The part of a connection the predicate reads. */
export interface Recipient {
  userId: string;
}

/** The part of an event the predicate reads: what it is about. */
export interface AddressedEvent {
  broadcast: EventScope;
}

/**
 * The memberships the predicate reads for one event, looked up once for every
 * connection (see {@link membershipsFor}); only the group the event names is held.
 */
export interface Memberships {
  inChannel(userId: string, channelId: string): boolean;
  inTeam(userId: string, teamId: string): boolean;
  isSystemAdmin(userId: string): boolean;
}

/**
 * Whether a connection receives an event: an event about a channel goes to the
 * channel's members (but the one it omits), about a team to the team's members, about a user to that
 * user, an admins-only event to the active system admins, and an event for
 * everyone (plugin enabled / disabled) to every signed-in connection.
 */
export function shouldSendEvent(connection: Recipient, event: AddressedEvent, memberships: Memberships): boolean {
  const about = event.broadcast;
  if ("all" in about) return true;
  if ("userId" in about) return connection.userId === about.userId;
  // Direct and group messages have members only (no team): their events reach them and nobody else, system admins included.
  if ("channelId" in about) return about.omitUserId !== connection.userId && memberships.inChannel(connection.userId, about.channelId);
  if ("teamId" in about) return memberships.inTeam(connection.userId, about.teamId);
  return memberships.isSystemAdmin(connection.userId);
}

/** Look up, once per event, the one group of users its scope names (channel members are cached). */
export async function membershipsFor(host: Pick<Host, "db" | "caches">, about: EventScope): Promise<Memberships> {
  if ("channelId" in about) {
    const members = await channelMemberIds(host, about.channelId);
    return { ...NO_MEMBERSHIPS, inChannel: (userId, channelId) => channelId === about.channelId && members.has(userId) };
  }
  if ("teamId" in about) {
    const rows = await host.db
      .selectFrom("team_members")
      .select("user_id")
      .where("team_id", "=", about.teamId)
      .where("delete_at", "=", 0)
      .execute();
    const members = new Set(rows.map((r) => r.user_id));
    return { ...NO_MEMBERSHIPS, inTeam: (userId, teamId) => teamId === about.teamId && members.has(userId) };
  }
  if ("systemAdmins" in about) {
    const rows = await host.db
      .selectFrom("users")
      .select("id")
      .where("roles", "like", "%system_admin%")
      .where("delete_at", "=", 0)
      .execute();
    const admins = new Set(rows.map((r) => r.id));
    return { ...NO_MEMBERSHIPS, isSystemAdmin: (userId) => admins.has(userId) };
  }
  return NO_MEMBERSHIPS;
}

/** Memberships of nobody in anything: what an event for one user or for everyone needs. */
const NO_MEMBERSHIPS: Memberships = { inChannel: () => false, inTeam: () => false, isSystemAdmin: () => false };
