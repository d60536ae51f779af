/**
 * @module testing/socket
 * The one WebSocket test client: connects to `/api/v4/websocket` the way the
 * web app and `@mattermost/client` do, records every frame, and waits for the
 * events a test expects.
 */
import WebSocket from "ws";
import { postDeletedEventDataSchema, postedEventDataSchema, postEditedEventDataSchema } from "#common/wire-schemas.ts";
import { eventually } from "./eventually.ts";

/** One frame from the server: an event, or a reply to an action. */
export interface SocketFrame {
  event?: string;
  data?: Record<string, unknown>;
  broadcast?: Record<string, unknown>;
  seq?: number;
  seq_reply?: number;
  status?: string;
  error?: { id: string; message: string };
}

/** How to open a {@link TestSocket}. */
export interface SocketOptions {
  /** Sign in with `authentication_challenge` and wait for `hello`. */
  token?: string;
  /** Headers of the upgrade request (e.g. `authorization`, `cookie`, `origin`). */
  headers?: Record<string, string>;
  /** Query string of the upgrade, e.g. `connection_id=...&sequence_number=3`. */
  query?: string;
  /** Wait for `hello` even without a token (a header-authenticated upgrade). */
  waitForHello?: boolean;
}

/** A recording WebSocket of one test user. */
export class TestSocket {
  /** Every frame received, in order. */
  readonly frames: SocketFrame[] = [];
  /** Set when the server closed the socket. */
  closed: { code: number; reason: string } | null = null;
  private seq = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (raw) => this.frames.push(JSON.parse(raw.toString()) as SocketFrame));
    ws.on("close", (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  /**
   * Open a socket to a server at `baseUrl` (http://…).
   * @example const socket = await TestSocket.open(server.url, { token: bob.token }); await socket.waitFor("posted");
   */
  static async open(baseUrl: string, options: SocketOptions = {}): Promise<TestSocket> {
    const url = `${baseUrl.replace(/^http/, "ws")}/api/v4/websocket${options.query ? `?${options.query}` : ""}`;
    const socket = new TestSocket(new WebSocket(url, { headers: options.headers }));
    await new Promise<void>((resolve, reject) => {
      socket.ws.once("open", () => resolve());
      socket.ws.once("error", reject);
    });
    if (options.token) socket.send("authentication_challenge", { token: options.token });
    if (options.token || options.waitForHello) await socket.waitFor("hello");
    return socket;
  }

  /**
   * A socket signed in as this test client (by `authentication_challenge`), after `hello`.
   * @example const socket = await TestSocket.of(alice);
   */
  static of(client: { baseUrl: string; token?: string }): Promise<TestSocket> {
    if (!client.token) throw new Error("TestSocket.of: the client is not signed in");
    return TestSocket.open(client.baseUrl, { token: client.token });
  }

  /** Forget the frames received so far: the next {@link waitFor} sees only what comes after. */
  forget(): void {
    this.frames.length = 0;
  }

  /** Send an action, as a client does: `{seq, action, data}`. Returns its seq. */
  send(action: string, data: Record<string, unknown> = {}): number {
    const seq = this.seq++;
    this.ws.send(JSON.stringify({ seq, action, data }));
    return seq;
  }

  /** Send a frame exactly as given: a chosen `seq`, or something malformed. */
  sendFrame(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Frames of one event name, in order. */
  events(name: string): SocketFrame[] {
    return this.frames.filter((f) => f.event === name);
  }

  /** Every frame as text: a privacy test's leak is any mention of a secret in it. */
  text(): string {
    return JSON.stringify(this.frames);
  }

  /** The first frame (already received or coming) of this event name, or matching this predicate. */
  waitFor(match: string | ((frame: SocketFrame) => boolean), ms = 5000): Promise<SocketFrame> {
    const test = typeof match === "string" ? (f: SocketFrame) => f.event === match : match;
    return eventually(() => this.frames.find(test), {
      ms,
      intervalMs: 5,
      what: () =>
        `a frame matching ${typeof match === "string" ? match : "the predicate"}; got ${JSON.stringify(this.frames.map((f) => f.event ?? f.status))}`,
    });
  }

  /** Close and wait until closed. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const done = new Promise<void>((resolve) => this.ws.once("close", () => resolve()));
    this.ws.close();
    await done;
  }
}

const postEventSchemas = {
  posted: postedEventDataSchema,
  post_edited: postEditedEventDataSchema,
  post_deleted: postDeletedEventDataSchema,
} as const;

/**
 * A {@link TestSocket.waitFor} predicate: the frame is `event` about the post
 * `postId` (its `data.post` parsed with the event's wire schema).
 * @example await socket.waitFor(postEvent("post_edited", post.id));
 */
export function postEvent(event: keyof typeof postEventSchemas, postId: string): (frame: SocketFrame) => boolean {
  const schema = postEventSchemas[event];
  return (frame) => frame.event === event && schema.safeParse(frame.data).data?.post.id === postId;
}
