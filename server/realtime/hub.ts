/**
 * @module realtime/hub
 * The WebSocket hub: Mattermost's `/api/v4/websocket` protocol, and delivery
 * of events to the connections of the users allowed to see them. Events go
 * through the bus, so a post made on one process reaches clients of another.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { newId } from "#common/ids.ts";
import type { EventScope } from "#plugin-api";
import type { Host } from "../host.ts";
import { sessionFromToken } from "../auth/sessions.ts";
import { bearerToken } from "../auth/bearer-token.ts";
import { channelMemberIds } from "../services/channels.ts";

/** Who receives an event; `omitUserId` skips one user (e.g. the sender). */
export type Broadcast = EventScope & { omitUserId?: string };

interface WireEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: Broadcast;
}

interface Connection {
  ws: WebSocket;
  id: string;
  userId: string | null;
  tokenHash: string | null;
  seq: number;
  /** Frames of one connection are handled in the order they came, as Mattermost does. */
  inbox: Promise<void>;
}

const TOPIC = "ws.event";
const SERVER_VERSION = "9.11.0.sitrep";

export class RealtimeHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly all = new Set<Connection>();

  /** Deliveries run one after another, so events keep their order even when one waits for the database. */
  private deliveries: Promise<void> = Promise.resolve();

  constructor(private readonly host: Host) {
    host.bus.subscribe((message) => {
      if (message.topic !== TOPIC) return;
      const event = message.payload as WireEvent;
      this.deliveries = this.deliveries
        .then(() => this.deliver(event))
        .catch((error: unknown) => host.log.error("realtime delivery failed", { event: event.event, error: String(error) }));
    });
    host.caches.onInvalidate((inv) => {
      if (inv.kind === "session") this.closeWhere((c) => c.tokenHash === inv.tokenHash);
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

  /** Number of authenticated connections on this process. */
  get connectionCount(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /** Send an event to everyone allowed to see it, on every process. */
  publish(event: string, data: Record<string, unknown>, broadcast: Broadcast): void {
    this.host.bus.publish(TOPIC, { event, data, broadcast } satisfies WireEvent);
  }

  /**
   * Handle an HTTP upgrade to `/api/v4/websocket`. An upgrade signed in by the
   * session cookie must come from this site: browsers send cookies along with
   * any page's WebSocket, so a cross-site Origin is refused (no CSRF on sockets).
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.originAllowed(request)) {
      const body = JSON.stringify({
        id: "api.web_socket.origin.app_error",
        message: "Origin: a WebSocket signed in by cookie must come from this site.",
        status_code: 403,
      });
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
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
    const conn: Connection = { ws, id: newId(), userId: null, tokenHash: null, seq: 0, inbox: Promise.resolve() };
    // The upgrade's own sign-in comes first in the inbox: frames sent right after the upgrade wait for it.
    if (found)
      conn.inbox = this.authenticate(conn, found.token, null).catch((error: unknown) =>
        this.host.log.warn("websocket sign-in failed", { error: String(error) }),
      );
    this.all.add(conn);
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
    } else if (message.seq !== undefined && conn.ws.readyState === conn.ws.OPEN) {
      // Unknown actions (typing, ping) are acknowledged, as Mattermost does for ping.
      conn.ws.send(
        JSON.stringify({ status: "OK", seq_reply: message.seq, data: message.action === "ping" ? { text: "pong" } : undefined }),
      );
    }
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
    if (conn.userId) this.detach(conn);
    conn.userId = auth.user.id;
    conn.tokenHash = auth.session.token_hash;
    let set = this.byUser.get(auth.user.id);
    if (!set) this.byUser.set(auth.user.id, (set = new Set()));
    set.add(conn);
    if (seqReply !== null) conn.ws.send(JSON.stringify({ status: "OK", seq_reply: seqReply }));
    this.sendTo(
      conn,
      envelopePrefix({
        event: "hello",
        data: { server_version: SERVER_VERSION, connection_id: conn.id },
        broadcast: { userId: auth.user.id },
      }),
    );
  }

  private detach(conn: Connection): void {
    if (!conn.userId) return;
    const set = this.byUser.get(conn.userId);
    set?.delete(conn);
    if (set && set.size === 0) this.byUser.delete(conn.userId);
  }

  private drop(conn: Connection): void {
    this.detach(conn);
    this.all.delete(conn);
  }

  private closeWhere(match: (c: Connection) => boolean): void {
    for (const conn of this.all) if (match(conn)) conn.ws.close(4001, "session ended");
  }

  /** Deliver one event to this process's connections that may see it. */
  private async deliver(event: WireEvent): Promise<void> {
    const recipients = await this.recipients(event.broadcast);
    const prefix = envelopePrefix(event);
    const omit = event.broadcast.omitUserId;
    if (recipients === "all") {
      for (const [userId, set] of this.byUser) if (userId !== omit) for (const conn of set) this.sendTo(conn, prefix);
      return;
    }
    for (const userId of recipients) {
      if (userId === omit) continue;
      const set = this.byUser.get(userId);
      if (set) for (const conn of set) this.sendTo(conn, prefix);
    }
  }

  private async recipients(broadcast: Broadcast): Promise<Iterable<string> | "all"> {
    if ("all" in broadcast) return "all";
    if ("userId" in broadcast) return [broadcast.userId];
    if ("channelId" in broadcast) return channelMemberIds(this.host, broadcast.channelId);
    if ("systemAdmins" in broadcast) {
      const admins = await this.host.db
        .selectFrom("users")
        .select("id")
        .where("roles", "like", "%system_admin%")
        .where("delete_at", "=", 0)
        .execute();
      return admins.map((r) => r.id);
    }
    const rows = await this.host.db
      .selectFrom("team_members")
      .select("user_id")
      .where("team_id", "=", broadcast.teamId)
      .where("delete_at", "=", 0)
      .execute();
    return rows.map((r) => r.user_id);
  }

  /**
   * The seq is per connection, so the envelope is serialized and UTF-8 encoded
   * once; each connection gets a copy of those bytes with its seq appended,
   * sent as a text frame (no per-connection JSON or string encoding).
   */
  private sendTo(conn: Connection, prefix: Buffer): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    const seq = String(conn.seq++);
    const frame = Buffer.allocUnsafe(prefix.length + seq.length + 1);
    prefix.copy(frame, 0);
    frame.write(seq, prefix.length, "latin1");
    frame[frame.length - 1] = 0x7d; // "}"
    conn.ws.send(frame, { binary: false });
  }

  async close(): Promise<void> {
    for (const conn of this.all) conn.ws.terminate();
    this.all.clear();
    this.byUser.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** `{"event":..,"data":..,"broadcast":..,"seq":` — Mattermost's envelope, up to the seq. */
function envelopePrefix(event: WireEvent): Buffer {
  const b = event.broadcast;
  const broadcast = {
    channel_id: "channelId" in b ? b.channelId : "",
    team_id: "teamId" in b ? b.teamId : "",
    user_id: "userId" in b ? b.userId : "",
    omit_users: b.omitUserId ? { [b.omitUserId]: true } : null,
  };
  const json = JSON.stringify({ event: event.event, data: event.data, broadcast, seq: 0 });
  return Buffer.from(json.slice(0, json.length - 2));
}

/** The token of an upgrade request: the `Authorization` header as HTTP reads it, or the `MMAUTHTOKEN` cookie. */
function tokenFromRequest(request: IncomingMessage): { token: string; fromCookie: boolean } | null {
  const token = bearerToken(request.headers);
  if (token !== null) return { token, fromCookie: false };
  const cookie = request.headers.cookie ?? "";
  const match = /(?:^|;\s*)MMAUTHTOKEN=([^;]+)/.exec(cookie);
  if (!match) return null;
  try {
    return { token: decodeURIComponent(match[1]), fromCookie: true };
  } catch {
    return { token: match[1], fromCookie: true }; // a malformed escape is just a wrong token
  }
}
