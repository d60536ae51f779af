/**
 * @module services/audits
 * The audit log of security-relevant actions (Mattermost's Audits): sign-ins
 * and their failures, role changes, deactivations, personal access tokens
 * made, disabled, enabled and revoked, plugins installed, enabled, disabled
 * and uninstalled, and workflows applied, toggled and deleted (through
 * `ctx.audit`). As in Mattermost, an entry made by a request records its path
 * as the action, the caller and session, and the client address; `extra_info`
 * says what happened (`success`, `failure - login_id=alice`, `user=… roles=…`).
 * System admins read it with `GET /api/v4/audits` and in the System Console.
 */
import type { FastifyRequest } from "fastify";
import { newId } from "#common/ids.ts";
import type { AuditsTable } from "../db/schema.ts";
import type { Host } from "../host.ts";
import { clockOf } from "../auth/sessions.ts";

/** The longest `extra_info` kept; a longer one (a long login id) is cut. */
const EXTRA_INFO_MAX = 1024;

/** An audit entry as `GET /api/v4/audits` answers it. */
export type Audit = Omit<AuditsTable, "seq">;

/** What an entry says; the rest comes from the request that caused it, when there is one. */
export interface AuditEntry {
  /** The request that caused it: the action defaults to its path, the user and session to its caller, and the address is its client's. */
  request?: FastifyRequest;
  /** Who acted, when not the request's caller (a sign-in names the account it signed in to). */
  userId?: string;
  /** The session it was done in, when not the request's (a sign-in names the session it opened). */
  sessionId?: string;
  /** What was done; the request's path by default. */
  action?: string;
  extraInfo: string;
}

/** The path of a request, without its query string. */
function requestPath(request: FastifyRequest): string {
  return request.url.split("?")[0] ?? request.url;
}

/** Record an action in the audit log. */
export async function auditRecorder(host: Pick<Host, "db" | "config">, entry: AuditEntry): Promise<void> {
  const { request } = entry;
  const row: Audit = {
    id: newId(),
    create_at: clockOf(host.config).now(),
    user_id: entry.userId ?? request?.auth?.user.id ?? "",
    action: entry.action ?? (request ? requestPath(request) : ""),
    extra_info: entry.extraInfo.slice(0, EXTRA_INFO_MAX),
    ip_address: request?.ip ?? "",
    session_id: entry.sessionId ?? request?.auth?.session.id ?? "",
  };
  await host.db.insertInto("audits").values(row).execute();
}

/** A page of the audit log, newest first (in the order written). */
export async function auditLister(host: Pick<Host, "db">, props: { page: number; perPage: number }): Promise<Audit[]> {
  return host.db
    .selectFrom("audits")
    .select(["id", "create_at", "user_id", "action", "extra_info", "ip_address", "session_id"])
    .orderBy("seq", "desc")
    .limit(props.perPage)
    .offset(props.page * props.perPage)
    .execute();
}
