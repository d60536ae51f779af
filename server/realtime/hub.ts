/**
 * @module realtime/hub
 * The WebSocket hub: Mattermost's `/api/v4/websocket` protocol, and delivery
 * of events to the connections that may see them (one rule:
 * should-send-event.ts). Events go through the bus, so a post made on one
 * process reaches clients of another, and each gets a sequence number in the
 * event log (event-log.ts). A closed connection is kept for a resume, as
 * Mattermost keeps it: its last {@link RESUME_WINDOW} frames (those in flight
 * when the socket died) and a queue of the events it may see delivered since,
 * at most `SITREP_WS_RESUME_BUFFER` of them, for `SITREP_WS_RESUME_KEEP_MS`.
 * A client that reconnects with Mattermost's `connection_id` and
 * `sequence_number` to the same process while it is kept gets what it missed,
 * in order, with no new hello; otherwise (queue overflowed, kept too long,
 * another process) a fresh hello with a new connection id, and the client
 * reloads. A process whose PostgreSQL LISTEN connection dropped reads the
 * missed events back from the log table.
 *
 * Limits (settings, config.ts): a connection that has not signed in
 * (`authentication_challenge`, or a token or cookie at the upgrade) within
 * `SITREP_WS_AUTH_TIMEOUT_MS` is closed; one address holds at most
 * `SITREP_WS_PER_ADDRESS` connections (more upgrades are answered 429), one
 * user at most `SITREP_WS_PER_USER` (a sign-in past it is refused and closed).
 */
import type { IncomingMessage } from "node:http";
import { hostname } from "node:os";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import type { Disposable, EventScope } from "#plugin-api";
import type { Host } from "../host.ts";
import { clockOf, sessionFromToken } from "../auth/sessions.ts";
import { bearerToken } from "../auth/bearer-token.ts";
import { LoggedEvents, RECENT_EVENTS_CAPACITY, RecentEvents, wireEventSchema, type WireEvent } from "./event-log.ts";
import type { UserStatus } from "#common/wire.ts";
import { membershipsFor, shouldSendEvent } from "./should-send-event.ts";
import { channelMemberIds } from "../services/channels.ts";
import { whileUnreachable } from "../db/health.ts";
import {
  PRESENCE_HEARTBEAT_MS,
  presenceCleared,
  presenceHeartbeat,
  presenceJoined,
  presenceLeft,
  statusAudience,
  hasManualStatus,
  onlineStatusMap,
  statusMapOf,
} from "../services/presence.ts";

/**
 * How many of a connection's last frames can be sent again when it resumes
 * (Mattermost's dead queue holds 128): frames in flight when a socket died.
 * A power of two, so a frame's slot is `seq & (RESUME_WINDOW - 1)`.
 */
const RESUME_WINDOW = 128;
/** Closed connections whose state is kept for a resume, at most (oldest dropped first). */
const PARKED_LIMIT = 20_000;
/** How often the log table is trimmed; the trim is one indexed DELETE, off the publish path. */
const TRIM_INTERVAL_MS = 60_000;
/**
 * A catch-up after a LISTEN gap also reads rows stored shortly before the gap
 * began: sequence numbers are taken before commit, so a row can commit after
 * a later one was delivered, and processes' clocks differ a little.
 */
const CATCH_UP_SLACK_MS = 5_000;
/**
 * How long a log write or a catch-up read is tried again while the database
 * is unreachable: an event whose change was committed is not dropped for a
 * short gap (a restart, a failover, backends ended), and delivery waits in order.
 */
const UNREACHABLE_RETRY_MS = 30_000;
/** Events stored by one INSERT into the log, at most (two parameters each, far below PostgreSQL's 65,535). */
const LOG_BATCH_MAX = 1_000;
/** Sessions looked up per query when the sockets are checked again after a gap. */
const SESSION_CHECK_BATCH = 500;

interface Connection {
  ws: WebSocket;
  id: string;
  /** The peer's address, for the per-address limit. */
  address: string;
  /** Closes the connection unless it signs in in time; disposed when it does. */
  authDeadline: Disposable | null;
  userId: string | null;
  tokenHash: string | null;
  /** The seq of the next frame to this connection. */
  seq: number;
  /** The last {@link RESUME_WINDOW} frames sent, by seq (each up to its seq: see {@link envelopePrefix}). */
  sent: Buffer[];
  /** Mattermost's `connection_id` and `sequence_number` of the upgrade: the connection this one resumes. */
  resumes: { connectionId: string; sequenceNumber: number } | null;
  /** Frames of one connection are handled in the order they came, as Mattermost does. */
  inbox: Promise<void>;
  /** Closes the socket when its session expires (a personal access token's `expires_at`, a session's length). */
  expiry: Disposable | null;
}

/** What a closed connection leaves for a resume. */
interface ParkedConnection {
  id: string;
  userId: string;
  /** The seq its next frame would have had. */
  seq: number;
  sent: Buffer[];
  /** The events delivered since it closed that it may see, in order (Mattermost's send queue). */
  queue: Buffer[];
  /** When it closed. */
  at: number;
}

/** What the hub uses of the host: it is built before the host is whole. */
export type RealtimeHubDeps = Pick<Host, "bus" | "db" | "log" | "caches" | "config" | "clock">;

const TOPIC = "ws.event";

/** `data` of the `user_typing` action: the channel, and the thread's root (or "" for the channel itself). */
const typingSchema = z.object({
  channel_id: z.string().length(26),
  parent_id: z.string().max(26).default(""),
});
/** `data` of the `get_statuses_by_ids` action. */
const statusesByIdsSchema = z.object({
  user_ids: z
    .array(z.string().length(26, "each must be a 26-character id"), "must be a list of user ids")
    .min(1, "must list at least one user id")
    .max(1000, "must list at most 1000 ids"),
});
/** What a reply to an action carries besides its status: `data`, or for a FAIL the `error`. */
type ActionReply = { data?: Record<string, unknown> } | { error: { id: string; message: string } };
const SERVER_VERSION = "9.11.0.sitrep";
/** `server_hostname` of the hello: which process a client reached (Mattermost's `os.Hostname()`). */
const SERVER_HOSTNAME = hostname();

export class RealtimeHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly all = new Set<Connection>();
  /** Open connections by peer address, signed in or not. */
  private readonly byAddress = new Map<string, number>();
  private readonly recent = new RecentEvents({ capacity: RECENT_EVENTS_CAPACITY });
  /** Closed connections by id, oldest first. */
  private readonly parked = new Map<string, ParkedConnection>();
  /** The same, by user then id: delivery fills their queues. */
  private readonly parkedByUser = new Map<string, Map<string, ParkedConnection>>();
  /** The log table, on PostgreSQL; with SQLite (one process) none. */
  private readonly logged: LoggedEvents | null;
  private readonly trimTimer: NodeJS.Timeout | null = null;
  /** The highest log sequence number delivered here. */
  private lastSeq = 0;
  private readonly startedAt = Date.now();

  /** Deliveries run one after another, so events keep their order even when one waits for the database. */
  private deliveries: Promise<void> = Promise.resolve();
  /** This process's log writes, in publish order. */
  private writes: Promise<void> = Promise.resolve();
  /** Events published and not yet logged: the next log write takes them all. */
  private unlogged: Array<Omit<WireEvent, "seq">> = [];
  private logWriteQueued = false;
  /** Presence writes, one after another, so a quick connect and close never leave a user online. */
  private presence: Promise<void> = Promise.resolve();
  private readonly heartbeatTimer: NodeJS.Timeout;

  constructor(private readonly host: RealtimeHubDeps) {
    this.logged = host.bus.crossesProcesses ? new LoggedEvents(host.db) : null;
    if (this.logged) {
      const logged = this.logged;
      this.trimTimer = setInterval(() => {
        logged.trim().catch((error: unknown) => host.log.warn("trimming the realtime log failed", { error: String(error) }));
      }, TRIM_INTERVAL_MS);
      this.trimTimer.unref();
    }
    // With SQLite this is the only process: presence rows of an earlier run are stale.
    if (!host.bus.crossesProcesses)
      this.inPresenceOrder(() => presenceCleared(host, { processId: host.bus.processId, everyoneElse: true }));
    this.heartbeatTimer = setInterval(() => {
      this.inPresenceOrder(async () => {
        // Users whose only sockets were on a process that died are offline now: say so.
        for (const userId of await presenceHeartbeat(host, { processId: host.bus.processId }))
          if (!(await hasManualStatus(host, userId))) await this.statusChanged(userId, "offline");
      });
    }, PRESENCE_HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    host.bus.subscribe((message) => {
      if (message.topic !== TOPIC) return;
      const parsed = wireEventSchema.safeParse(message.payload);
      if (!parsed.success) return host.log.error("realtime event of an unknown shape", { error: parsed.error.message });
      this.enqueue(() => this.deliver(parsed.data), parsed.data.event);
    });
    host.bus.onReconnect((gap) => this.enqueue(() => this.catchUp(gap), "catch-up"));
    host.caches.onInvalidate((inv) => {
      if (inv.kind === "session") this.closeWhere((c) => c.tokenHash === inv.tokenHash);
      // A logout or a deactivation may have been missed: each socket's session is checked again.
      if (inv.kind === "everything")
        this.closeUnlessSessionLive().catch((error: unknown) =>
          host.log.error("checking the sockets' sessions after a gap failed", { error: String(error) }),
        );
      if (inv.kind === "user") {
        // A deactivated user's sockets close; a changed role is re-read on reconnect.
        void host.db
          .selectFrom("users")
          .select("delete_at")
          .where("id", "=", inv.id)
          .executeTakeFirst()
          .then((u) => {
            if (!u || u.delete_at) this.closeWhere((c) => c.userId === inv.id);
          })
          .catch((error: unknown) =>
            host.log.error("closing a deactivated user's sockets failed", { user_id: inv.id, error: String(error) }),
          );
      }
    });
  }

  /** Run a step of delivery after the ones before it; a failure is logged, never an unhandled rejection. */
  private enqueue(step: () => Promise<void>, what: string): void {
    this.deliveries = this.deliveries
      .then(step)
      .catch((error: unknown) => this.host.log.error("realtime delivery failed", { event: what, error: String(error) }));
  }

  /** Number of authenticated connections on this process. */
  get connectionCount(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /** Send an event to everyone allowed to see it, on every process. */
  publish(event: string, data: Record<string, unknown>, broadcast: EventScope): void {
    const logged = this.logged;
    if (!logged) {
      this.host.bus.publish(TOPIC, { event, data, broadcast, seq: null } satisfies WireEvent);
      return;
    }
    // On PostgreSQL the row is written first, so every process can read back an event its listener missed.
    this.unlogged.push({ event, data, broadcast });
    if (this.logWriteQueued) return;
    this.logWriteQueued = true;
    this.writes = this.writes.then(() => this.writeLog(logged));
  }

  /**
   * Log the events published since the last write, in one INSERT, then hand
   * them to the bus in order: under a burst, one round trip stores many
   * events instead of one each.
   */
  private async writeLog(logged: LoggedEvents): Promise<void> {
    const events = this.unlogged.splice(0, LOG_BATCH_MAX);
    // More than one write takes: the rest go in the next one, queued behind this.
    if (this.unlogged.length) this.writes = this.writes.then(() => this.writeLog(logged));
    else this.logWriteQueued = false;
    let seqs: Array<number | null> = events.map(() => null);
    try {
      seqs = await whileUnreachable(() => logged.appendAll(events), { maxMs: UNREACHABLE_RETRY_MS });
    } catch (error) {
      this.host.log.error("writing the realtime log failed; the events go out unlogged", {
        events: events.map((e) => e.event).join(","),
        error: String(error),
      });
    }
    events.forEach((e, i) => this.host.bus.publish(TOPIC, { ...e, seq: seqs[i] ?? null } satisfies WireEvent));
  }

  /**
   * Handle an HTTP upgrade to `/api/v4/websocket`. An upgrade signed in by the
   * session cookie must come from this site: browsers send cookies along with
   * any page's WebSocket, so a cross-site Origin is refused (no CSRF on sockets).
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.originAllowed(request)) {
      refuseUpgrade(socket, {
        status: 403,
        id: "api.web_socket.origin.app_error",
        message: "Origin: a WebSocket signed in by cookie must come from this site.",
      });
      return;
    }
    const limit = this.host.config.wsPerAddress;
    if (limit > 0 && (this.byAddress.get(addressOf(request)) ?? 0) >= limit) {
      refuseUpgrade(socket, {
        status: 429,
        id: "api.web_socket.too_many_connections",
        message: `This address already holds ${limit} WebSocket connections, the most one address may (SITREP_WS_PER_ADDRESS).`,
      });
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      this.accept(ws, request).catch((error: unknown) => this.host.log.warn("websocket sign-in failed", { error: String(error) }));
    });
  }

  /** True unless the upgrade is authenticated by cookie and its Origin is another site. */
  private originAllowed(request: IncomingMessage): boolean {
    const found = tokenFromRequest(request);
    const origin = request.headers.origin;
    // Only browsers send cookies on their own; they always send Origin with a WebSocket.
    if (!found?.fromCookie || !origin) return true;
    let originUrl: URL;
    try {
      originUrl = new URL(origin);
    } catch {
      return false;
    }
    const host = request.headers.host?.toLowerCase();
    if (host && originUrl.host.toLowerCase() === host) return true;
    try {
      return originUrl.origin === new URL(this.host.config.siteUrl).origin;
    } catch {
      return false;
    }
  }

  private async accept(ws: WebSocket, request: IncomingMessage): Promise<void> {
    const found = tokenFromRequest(request);
    const conn: Connection = {
      ws,
      id: newId(),
      address: addressOf(request),
      authDeadline: null,
      userId: null,
      tokenHash: null,
      seq: 0,
      // Grows as frames are sent, up to RESUME_WINDOW slots: an idle connection holds a few, not 128 (1 KB each).
      sent: [],
      resumes: resumeRequest(request),
      inbox: Promise.resolve(),
      expiry: null,
    };
    // The upgrade's own sign-in comes first in the inbox: frames sent right after the upgrade wait for it.
    if (found)
      conn.inbox = this.authenticate(conn, found.token, null).catch((error: unknown) =>
        this.host.log.warn("websocket sign-in failed", { error: String(error) }),
      );
    this.all.add(conn);
    this.byAddress.set(conn.address, (this.byAddress.get(conn.address) ?? 0) + 1);
    const timeout = this.host.config.wsAuthTimeoutMs;
    conn.authDeadline = this.host.clock.setTimeout(() => {
      if (conn.userId === null && this.all.has(conn))
        conn.ws.close(POLICY_VIOLATION, `authentication_challenge not received within ${timeout} ms`);
    }, timeout);
    ws.on("close", () => this.drop(conn));
    ws.on("error", () => this.drop(conn));
    ws.on("message", (raw) => {
      const text = raw.toString();
      // Never an unhandled rejection: with none handled, one would end the process.
      conn.inbox = conn.inbox
        .then(() => this.onMessage(conn, text))
        .catch((error: unknown) => this.host.log.warn("websocket message failed", { error: String(error) }));
    });
    await conn.inbox;
  }

  private async onMessage(conn: Connection, raw: string): Promise<void> {
    let message: { seq?: number; action?: string; data?: { token?: unknown } };
    try {
      const parsed: unknown = JSON.parse(raw);
      // JSON that is not an object (null, 42, "x") is ignored like a frame that is not JSON.
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return;
      message = parsed as typeof message;
    } catch {
      return;
    }
    if (message.action === "authentication_challenge") {
      const token = typeof message.data?.token === "string" ? message.data.token : "";
      await this.authenticate(conn, token, message.seq ?? 0);
      return;
    }
    if (message.action === "user_typing" && conn.userId) await this.typing(conn.userId, typingSchema.safeParse(message.data));
    const reply = message.action === "ping" || conn.userId ? await this.answer(message.action, message.data) : {};
    if (message.seq !== undefined && conn.ws.readyState === conn.ws.OPEN) {
      // Other actions (typing, presence) are acknowledged, as Mattermost does.
      conn.ws.send(JSON.stringify({ status: "error" in reply ? "FAIL" : "OK", seq_reply: message.seq, ...reply }));
    }
  }

  /**
   * The `data` (or the `error`) of the reply to a signed-in connection's
   * action, as Mattermost answers it: `ping` a pong, `get_statuses` the
   * status of every user online, `get_statuses_by_ids` the status of each of
   * `user_ids` (`{user_id: status}`); nothing for the rest.
   */
  private async answer(action: string | undefined, data: unknown): Promise<ActionReply> {
    if (action === "ping") return { data: { text: "pong" } };
    if (action === "get_statuses") return { data: await onlineStatusMap(this.host) };
    if (action !== "get_statuses_by_ids") return {};
    const parsed = statusesByIdsSchema.safeParse(data);
    if (!parsed.success)
      return {
        error: {
          id: "api.websocket_handler.invalid_param.app_error",
          message: `Invalid user_ids parameter: ${parsed.error.issues[0]?.message ?? "a list of user ids"}`,
        },
      };
    return { data: await statusMapOf(this.host, parsed.data.user_ids) };
  }

  private async authenticate(conn: Connection, token: string, seqReply: number | null): Promise<void> {
    const auth = await sessionFromToken(this.host, token);
    if (!auth) {
      if (seqReply !== null)
        conn.ws.send(
          JSON.stringify({
            status: "FAIL",
            seq_reply: seqReply,
            error: { id: "api.web_socket_router.not_authenticated.app_error", message: "invalid token" },
          }),
        );
      return;
    }
    if (conn.userId === auth.user.id) {
      // Already signed in (by cookie or header) as this user: acknowledge, without a second hello.
      if (seqReply !== null) conn.ws.send(JSON.stringify({ status: "OK", seq_reply: seqReply }));
      return;
    }
    const resumes = conn.userId === null ? conn.resumes : null;
    if (this.overUserLimit(auth.user.id, resumes)) {
      const limit = this.host.config.wsPerUser;
      const message = `this user already holds ${limit} WebSocket connections, the most one user may (SITREP_WS_PER_USER)`;
      if (seqReply !== null)
        conn.ws.send(
          JSON.stringify({ status: "FAIL", seq_reply: seqReply, error: { id: "api.web_socket.too_many_connections", message } }),
        );
      conn.ws.close(POLICY_VIOLATION, `more than ${limit} connections for this user`);
      return;
    }
    conn.authDeadline?.dispose();
    conn.authDeadline = null;
    if (conn.userId) this.detach(conn);
    conn.userId = auth.user.id;
    conn.tokenHash = auth.session.token_hash;
    conn.expiry?.dispose();
    const clock = clockOf(this.host.config);
    const expiresAt = auth.session.expires_at;
    conn.expiry = expiresAt ? clock.setTimeout(() => conn.ws.close(4001, "session ended"), expiresAt - clock.now()) : null;
    if (seqReply !== null) conn.ws.send(JSON.stringify({ status: "OK", seq_reply: seqReply }));
    const userId = auth.user.id;
    // A resume runs between deliveries, so no event slips between the replay and live delivery.
    if (resumes && (await this.inOrder(() => this.resume(conn, userId, resumes)))) return;
    this.join(conn, userId);
    const hello: WireEvent = {
      event: "hello",
      data: { server_version: SERVER_VERSION, connection_id: conn.id, server_hostname: SERVER_HOSTNAME },
      broadcast: { userId },
      seq: null,
    };
    this.sendTo(conn, envelopePrefix(hello));
  }

  /** Whether signing in one more connection for a user passes the per-user limit (a resume replacing its old socket does not). */
  private overUserLimit(userId: string, resumes: Connection["resumes"]): boolean {
    const limit = this.host.config.wsPerUser;
    const open = this.byUser.get(userId);
    if (limit === 0 || !open || open.size < limit) return false;
    return !resumes || ![...open].some((c) => c.id === resumes.connectionId);
  }

  /**
   * Continue a closed connection on this socket, as Mattermost does: the
   * frames from the client's `sequence_number` on are sent again, then the
   * events queued for it since it closed, with the seqs the client expects and
   * no hello. False (a fresh hello follows) when the connection is not kept
   * here (unknown, another user's, kept too long, its queue overflowed) or the
   * frames the client lacks are older than the {@link RESUME_WINDOW}.
   */
  private async resume(conn: Connection, userId: string, wanted: { connectionId: string; sequenceNumber: number }): Promise<boolean> {
    // A socket of that connection whose close was not seen yet (a dead network) is replaced by this one.
    for (const old of this.byUser.get(userId) ?? [])
      if (old.id === wanted.connectionId && old !== conn) {
        this.drop(old);
        old.ws.terminate();
      }
    this.expireParked();
    const parked = this.parked.get(wanted.connectionId);
    if (!parked || parked.userId !== userId) return false;
    const s = wanted.sequenceNumber;
    // seq 0 is the hello: a client that has a connection id has had it.
    if (s < 1 || s > parked.seq || parked.seq - s >= RESUME_WINDOW) return false;
    const lost: Buffer[] = [];
    for (let seq = s; seq < parked.seq; seq++) {
      const frame = parked.sent[seq & (RESUME_WINDOW - 1)];
      if (!frame) return false;
      lost.push(frame);
    }
    this.unpark(parked);
    conn.id = parked.id;
    conn.seq = s;
    conn.sent = parked.sent;
    for (const prefix of [...lost, ...parked.queue]) this.sendTo(conn, prefix);
    if (this.all.has(conn)) this.join(conn, userId);
    return true;
  }

  /** Keep a closed connection for a resume (oldest dropped first past the limit). */
  private park(conn: Connection, userId: string): void {
    if (this.host.config.wsResumeBuffer === 0) return;
    const parked: ParkedConnection = { id: conn.id, userId, seq: conn.seq, sent: conn.sent, queue: [], at: Date.now() };
    this.unpark(parked);
    this.parked.set(parked.id, parked);
    let mine = this.parkedByUser.get(userId);
    if (!mine) this.parkedByUser.set(userId, (mine = new Map()));
    mine.set(parked.id, parked);
    for (const oldest of this.parked.values()) {
      if (this.parked.size <= PARKED_LIMIT) break;
      this.unpark(oldest);
    }
    this.expireParked();
  }

  /** Forget a kept connection: resumed, overflowed or expired. */
  private unpark(parked: Pick<ParkedConnection, "id" | "userId">): void {
    this.parked.delete(parked.id);
    const mine = this.parkedByUser.get(parked.userId);
    if (mine?.delete(parked.id) && mine.size === 0) this.parkedByUser.delete(parked.userId);
  }

  /** Forget the connections kept longer than `SITREP_WS_RESUME_KEEP_MS` (the map is oldest first). */
  private expireParked(): void {
    const cutoff = Date.now() - this.host.config.wsResumeKeepMs;
    for (const parked of this.parked.values()) {
      if (parked.at >= cutoff) return;
      this.unpark(parked);
    }
  }

  /** Queue an event for a kept connection; past `SITREP_WS_RESUME_BUFFER` it is forgotten (its reconnect gets a fresh hello). */
  private queueFor(parked: ParkedConnection, prefix: Buffer): void {
    if (parked.queue.length >= this.host.config.wsResumeBuffer) this.unpark(parked);
    else parked.queue.push(prefix);
  }

  private join(conn: Connection, userId: string): void {
    let set = this.byUser.get(userId);
    if (!set) {
      this.byUser.set(userId, (set = new Set()));
      this.presenceChanged(userId, "online");
    }
    set.add(conn);
  }

  private detach(conn: Connection): void {
    if (!conn.userId) return;
    const set = this.byUser.get(conn.userId);
    if (!set?.delete(conn)) return;
    if (set.size === 0) {
      this.byUser.delete(conn.userId);
      this.presenceChanged(conn.userId, "offline");
    }
  }

  /** Run a presence write after the ones before it; a failure is logged. */
  private inPresenceOrder(step: () => Promise<unknown>): void {
    this.presence = this.presence
      .then(step)
      .then(() => undefined)
      .catch((error: unknown) => this.host.log.error("presence write failed", { error: String(error) }));
  }

  /**
   * This process got its first socket of a user, or closed its last: record
   * it for `POST /users/status/ids`, and when the user's status changed
   * (their first socket on any process, or their last gone) send
   * `status_change` (services/presence.ts says to whom).
   */
  private presenceChanged(userId: string, status: "online" | "offline"): void {
    const processId = this.host.bus.processId;
    this.inPresenceOrder(async () => {
      const changed =
        status === "online" ? await presenceJoined(this.host, { processId, userId }) : await presenceLeft(this.host, { processId, userId });
      // A status set by hand stays what others see, whatever the sockets do.
      if (changed && !(await hasManualStatus(this.host, userId))) await this.statusChanged(userId, status);
    });
  }

  /** Mattermost's `status_change` `{status, user_id}`: to the user, and to the online members of their direct and group messages. */
  async statusChanged(userId: string, status: UserStatus["status"]): Promise<void> {
    const data = { status, user_id: userId };
    this.publish("status_change", data, { userId });
    for (const other of await statusAudience(this.host, { userId })) this.publish("status_change", data, { userId: other });
  }

  /**
   * Mattermost's `user_typing` action: `typing` `{parent_id, user_id}` to the
   * channel's other members, when the typist is a member (so nobody learns of
   * a channel they cannot read, nor types into one they cannot post in).
   */
  private async typing(userId: string, parsed: ReturnType<typeof typingSchema.safeParse>): Promise<void> {
    if (!parsed.success) return;
    const { channel_id: channelId, parent_id: parentId } = parsed.data;
    if (!(await channelMemberIds(this.host, channelId)).has(userId)) return;
    this.publish("typing", { parent_id: parentId, user_id: userId }, { channelId, omitUserId: userId });
  }

  /** Forget a closed socket; a signed-in one leaves what a resume needs. */
  private drop(conn: Connection): void {
    if (!this.all.delete(conn)) return;
    conn.expiry?.dispose();
    conn.authDeadline?.dispose();
    const left = (this.byAddress.get(conn.address) ?? 1) - 1;
    if (left > 0) this.byAddress.set(conn.address, left);
    else this.byAddress.delete(conn.address);
    this.detach(conn);
    if (conn.userId) this.park(conn, conn.userId);
  }

  private closeWhere(match: (c: Connection) => boolean): void {
    for (const conn of this.all) if (match(conn)) conn.ws.close(4001, "session ended");
  }

  /** Run a step between deliveries and answer its result. */
  private inOrder<T>(step: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => this.enqueue(() => step().then(resolve, reject), "resume"));
  }

  /** Deliver one event to this process's connections that may see it, and keep it for replay. */
  private async deliver(event: WireEvent): Promise<void> {
    if (event.seq !== null) {
      if (this.recent.holds(event.seq)) return; // already here: a catch-up read it back first
      this.lastSeq = Math.max(this.lastSeq, event.seq);
    }
    const memberships = await membershipsFor(this.host, event.broadcast);
    if (event.seq !== null) this.recent.add(event.seq);
    const prefix = envelopePrefix(event);
    const about = event.broadcast;
    this.expireParked();
    if ("userId" in about) {
      for (const conn of this.byUser.get(about.userId) ?? []) this.sendTo(conn, prefix);
      for (const parked of this.parkedByUser.get(about.userId)?.values() ?? []) this.queueFor(parked, prefix);
      return;
    }
    for (const [userId, set] of this.byUser)
      if (shouldSendEvent({ userId }, event, memberships)) for (const conn of set) this.sendTo(conn, prefix);
    for (const [userId, mine] of this.parkedByUser)
      if (shouldSendEvent({ userId }, event, memberships)) for (const parked of mine.values()) this.queueFor(parked, prefix);
  }

  /** After a LISTEN gap: deliver, in sequence order, the logged events not delivered here. */
  private async catchUp(gap: { from: number }): Promise<void> {
    const logged = this.logged;
    if (!logged) return;
    const query = { afterSeq: this.lastSeq > 0 ? this.lastSeq : null, fromTime: Math.max(gap.from - CATCH_UP_SLACK_MS, this.startedAt) };
    const missed = await whileUnreachable(() => logged.since(query), { maxMs: UNREACHABLE_RETRY_MS });
    for (const event of missed) await this.deliver(event);
  }

  /** Close every socket whose session ended (or whose user was deactivated) while this process could not be told. */
  private async closeUnlessSessionLive(): Promise<void> {
    const hashes = [...new Set([...this.all].flatMap((c) => (c.tokenHash ? [c.tokenHash] : [])))];
    const live = new Set<string>();
    const now = Date.now();
    for (let i = 0; i < hashes.length; i += SESSION_CHECK_BATCH) {
      const batch = hashes.slice(i, i + SESSION_CHECK_BATCH);
      const rows = await whileUnreachable(
        () =>
          this.host.db
            .selectFrom("sessions")
            .innerJoin("users", "users.id", "sessions.user_id")
            .select("sessions.token_hash")
            .where("sessions.token_hash", "in", batch)
            .where("users.delete_at", "=", 0)
            .where((eb) => eb.or([eb("sessions.expires_at", "=", 0), eb("sessions.expires_at", ">", now)]))
            .execute(),
        { maxMs: UNREACHABLE_RETRY_MS },
      );
      for (const row of rows) live.add(row.token_hash);
    }
    this.closeWhere((c) => c.tokenHash !== null && !live.has(c.tokenHash));
  }

  /**
   * The seq is per connection, so the envelope is serialized and UTF-8 encoded
   * once; each connection gets a copy of those bytes with its seq appended,
   * sent as a text frame (no per-connection JSON or string encoding).
   */
  private sendTo(conn: Connection, prefix: Buffer): void {
    conn.sent[conn.seq & (RESUME_WINDOW - 1)] = prefix;
    const seq = String(conn.seq++);
    // A socket closing before its close event counts the frame as sent and lost: a resume sends it again.
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    const frame = Buffer.allocUnsafe(prefix.length + seq.length + 1);
    prefix.copy(frame, 0);
    frame.write(seq, prefix.length, "latin1");
    frame[frame.length - 1] = 0x7d; // "}"
    conn.ws.send(frame, { binary: false });
  }

  async close(): Promise<void> {
    if (this.trimTimer) clearInterval(this.trimTimer);
    clearInterval(this.heartbeatTimer);
    // This process's sockets end with it: it vouches for nobody's presence any more.
    this.inPresenceOrder(() => presenceCleared(this.host, { processId: this.host.bus.processId }));
    await this.presence;
    // After the presence steps, which may publish status changes.
    await this.writes;
    for (const conn of this.all) conn.ws.terminate();
    this.all.clear();
    this.byAddress.clear();
    this.byUser.clear();
    this.parked.clear();
    this.parkedByUser.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** The WebSocket close code for a limit: 1008, policy violation. */
const POLICY_VIOLATION = 1008;

/** The peer address of an upgrade (the proxy's, behind a reverse proxy). */
function addressOf(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? "";
}

/** Answer an upgrade with an HTTP error in the API's shape, instead of the handshake. */
function refuseUpgrade(socket: Duplex, error: { status: number; id: string; message: string }): void {
  const body = JSON.stringify({ id: error.id, message: error.message, status_code: error.status });
  const reason = error.status === 429 ? "Too Many Requests" : "Forbidden";
  socket.end(
    `HTTP/1.1 ${error.status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** `{"event":..,"data":..,"broadcast":..,"seq":` — Mattermost's envelope, up to the seq. */
function envelopePrefix(event: WireEvent): Buffer {
  const b = event.broadcast;
  const broadcast = {
    channel_id: "channelId" in b ? b.channelId : "",
    team_id: "teamId" in b ? b.teamId : "",
    user_id: "userId" in b ? b.userId : "",
    omit_users: "omitUserId" in b && b.omitUserId ? { [b.omitUserId]: true } : null,
  };
  const json = JSON.stringify({ event: event.event, data: event.data, broadcast, seq: 0 });
  return Buffer.from(json.slice(0, json.length - 2));
}

/** Mattermost's reconnect parameters of an upgrade, `?connection_id=…&sequence_number=…`, when both are given. */
function resumeRequest(request: IncomingMessage): Connection["resumes"] {
  const query = new URL(request.url ?? "/", "http://upgrade").searchParams;
  const connectionId = query.get("connection_id");
  const sequenceNumber = Number(query.get("sequence_number") ?? "");
  if (!connectionId || !Number.isSafeInteger(sequenceNumber)) return null;
  return { connectionId, sequenceNumber };
}

/** The token of an upgrade request: the `Authorization` header as HTTP reads it, or the `MMAUTHTOKEN` cookie. */
function tokenFromRequest(request: IncomingMessage): { token: string; fromCookie: boolean } | null {
  const token = bearerToken(request.headers);
  if (token !== null) return { token, fromCookie: false };
  const cookie = request.headers.cookie ?? "";
  const raw = /(?:^|;\s*)MMAUTHTOKEN=([^;]+)/.exec(cookie)?.[1];
  if (raw === undefined) return null;
  try {
    return { token: decodeURIComponent(raw), fromCookie: true };
  } catch {
    return { token: raw, fromCookie: true }; // a malformed escape is just a wrong token
  }
}
