/**
 * @module realtime/bus
 * The event bus between Sitrep processes. With SQLite there is one process and
 * the bus is local; with PostgreSQL, messages cross processes through
 * LISTEN/NOTIFY (large ones through the `bus_messages` table).
 *
 * The LISTEN connection can drop (a database restart, a failover, a backend
 * ended by an operator): it is opened again with backoff, and the reconnect
 * handlers are told of the gap before anything received after it, so they
 * read back what was missed (the realtime log) or drop what may be stale
 * (caches). A message published while the database is unreachable is sent
 * again for a while rather than lost.
 */
import pg from "pg";
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import { newId } from "#common/ids.ts";
import { whileUnreachable } from "../db/health.ts";
import { pgApplicationName } from "../db/index.ts";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../log.ts";

/** A message on the bus. `origin` is the sending process's id. */
export interface BusMessage {
  topic: string;
  payload: unknown;
  origin: string;
}

const busMessageSchema = z.object({ topic: z.string(), payload: z.unknown(), origin: z.string() });

export interface EventBus {
  /** This process's id. */
  readonly processId: string;
  /**
   * True when other processes may be listening (PostgreSQL). With a local bus
   * nobody else can answer a question, so callers need not wait for one.
   */
  readonly crossesProcesses: boolean;
  /** Deliver to every process, this one included. */
  publish(topic: string, payload: unknown): void;
  /** Receive every message; returns an unsubscribe function. */
  subscribe(handler: (message: BusMessage) => void): () => void;
  /**
   * Be told when the bus listens again after a gap (a dropped PostgreSQL LISTEN
   * connection), before any message received after it: messages sent since
   * `from` may have been missed. A local bus has no gaps. Returns an unsubscribe function.
   */
  onReconnect(handler: (gap: { from: number }) => void): () => void;
  close(): Promise<void>;
}

abstract class BaseBus implements EventBus {
  readonly processId = newId();
  abstract readonly crossesProcesses: boolean;
  private readonly handlers = new Set<(message: BusMessage) => void>();
  protected readonly reconnectHandlers = new Set<(gap: { from: number }) => void>();
  abstract publish(topic: string, payload: unknown): void;
  subscribe(handler: (message: BusMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
  onReconnect(handler: (gap: { from: number }) => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }
  protected deliver(message: BusMessage): void {
    for (const handler of this.handlers) {
      try {
        handler(message);
      } catch (error) {
        console.error("bus handler failed", error);
      }
    }
  }
  abstract close(): Promise<void>;
}

/** One process: deliver synchronously. */
export class LocalBus extends BaseBus {
  readonly crossesProcesses = false;
  publish(topic: string, payload: unknown): void {
    this.deliver({ topic, payload, origin: this.processId });
  }
  async close(): Promise<void> {}
}

const NOTIFY_LIMIT = 7000; // PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
/** The first wait before listening again after a drop, and the longest (the wait doubles while attempts fail). */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 10_000;
/** How long a publish is tried again while the database is unreachable, before it is given up (and logged). */
const PUBLISH_RETRY_MS = 30_000;

/** Several processes on one PostgreSQL: LISTEN/NOTIFY on a channel named after the schema. */
export class PgBus extends BaseBus {
  readonly crossesProcesses = true;
  private listener?: pg.Client;
  private readonly channel: string;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** The notifications read so far, in the order they came (see receiveInOrder). */
  private received: Promise<void> = Promise.resolve();
  /** Messages published and not yet sent: sent together, packed into as few NOTIFYs as fit. */
  private pending: string[] = [];
  private flushQueued = false;
  private reconnectDelay = RECONNECT_FIRST_MS;

  constructor(
    private readonly props: { pgConfig: pg.PoolConfig; schema: string; db: Kysely<Database>; log: Pick<Logger, "warn" | "error" | "info"> },
  ) {
    super();
    this.channel = `sitrep_${props.schema}`.replace(/[^a-z0-9_]/gi, "_").toLowerCase();
  }

  async start(): Promise<void> {
    await this.connect(null);
  }

  /**
   * Open the LISTEN connection. After a gap (`gapFrom` set), tell the reconnect
   * handlers before delivering anything the new connection receives, so a
   * catch-up they start comes first.
   */
  private async connect(gapFrom: number | null): Promise<void> {
    // Named after the process, so an operator (or a test) can tell each process's listener in pg_stat_activity.
    const client = new pg.Client({
      connectionString: this.props.pgConfig.connectionString,
      application_name: this.listenerName,
      connectionTimeoutMillis: this.props.pgConfig.connectionTimeoutMillis,
      keepAlive: true,
    });
    const early: string[] = [];
    let listening = false;
    client.on("notification", (n) => {
      if (!n.payload) return;
      if (listening) this.receiveInOrder(n.payload);
      else early.push(n.payload);
    });
    let dropped = false;
    const drop = (error?: unknown) => {
      if (dropped) return;
      dropped = true;
      if (listening && !this.closed)
        this.props.log.warn("the realtime LISTEN connection dropped; listening again, then reading back what was missed", {
          error: error instanceof Error ? error.message : "connection ended",
        });
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => {});
      // Listen again; what was sent in between is read back by the reconnect handlers (the realtime log).
      if (!this.closed && (listening || gapFrom !== null)) this.reconnectLater(gapFrom ?? Date.now());
    };
    client.on("error", drop);
    client.on("end", drop);
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      drop();
      if (gapFrom === null) throw error; // the first connection: the process does not start
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.listener = client;
    this.reconnectDelay = RECONNECT_FIRST_MS;
    if (gapFrom !== null) {
      this.props.log.info("listening again for realtime events", { gap_ms: Date.now() - gapFrom });
      for (const handler of this.reconnectHandlers) handler({ from: gapFrom });
    }
    listening = true;
    for (const payload of early) this.receiveInOrder(payload);
  }

  /** Listen again after the current backoff, which doubles (up to {@link RECONNECT_MAX_MS}) until an attempt succeeds. */
  private reconnectLater(gapFrom: number): void {
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, RECONNECT_MAX_MS);
    const timer = setTimeout(() => {
      if (!this.closed) void this.connect(gapFrom).catch(() => {});
    }, delay);
    timer.unref();
  }

  /**
   * The `application_name` of this process's LISTEN connection: the
   * workspace's (`sitrep-<schema>`, as its pool's) and the process's id, so
   * an operator or a test finds every connection of a workspace by prefix and
   * each process's listener by name. At most 63 characters, PostgreSQL's limit.
   */
  get listenerName(): string {
    return `${pgApplicationName(this.props.schema).slice(0, 63 - 1 - this.processId.length)}/${this.processId}`;
  }

  /**
   * Read notifications one after another: an oversized message arrives as a
   * reference (`@id`) read from `bus_messages`, and the messages published
   * after it must wait for that read, or they would overtake it.
   */
  private receiveInOrder(raw: string): void {
    this.received = this.received.then(() => this.receive(raw));
  }

  private async receive(raw: string): Promise<void> {
    try {
      let text = raw;
      if (raw.startsWith("[")) {
        // A packed NOTIFY: several messages of one process, in the order they were published.
        for (const item of z.array(z.unknown()).parse(JSON.parse(raw))) this.deliverParsed(item);
        return;
      }
      if (raw.startsWith("@")) {
        const id = raw.slice(1);
        const row = await whileUnreachable(
          () => this.props.db.selectFrom("bus_messages").select("payload").where("id", "=", id).executeTakeFirst(),
          { maxMs: PUBLISH_RETRY_MS },
        );
        if (!row) return;
        text = row.payload;
      }
      this.deliverParsed(JSON.parse(text));
    } catch (error) {
      this.props.log.error("bus message could not be read", { error: String(error) });
    }
  }

  private deliverParsed(value: unknown): void {
    const message = busMessageSchema.safeParse(value);
    if (message.success) this.deliver(message.data);
    else this.props.log.error("bus message of an unknown shape", { error: message.error.message });
  }

  /**
   * Queue a message. Messages published while a send is under way go out
   * together when it is done, packed as a JSON array into as few NOTIFYs as
   * their size allows: under a burst (thousands of joins, each with its
   * events and invalidations) one round trip to the database carries many
   * messages instead of one, so the bus keeps up and a post published in the
   * middle of the burst is not stuck behind a queue of single NOTIFYs.
   */
  publish(topic: string, payload: unknown): void {
    this.pending.push(JSON.stringify({ topic, payload, origin: this.processId } satisfies BusMessage));
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Keep order between messages of this process; a short gap in the database delays them, it does not lose them.
    this.queue = this.queue.then(() => this.flush());
  }

  /** Send everything pending, in order. */
  private async flush(): Promise<void> {
    this.flushQueued = false;
    const texts = this.pending.splice(0);
    for (const payload of packed(texts, NOTIFY_LIMIT))
      await whileUnreachable(() => this.send(payload), { maxMs: PUBLISH_RETRY_MS }).catch((error: unknown) =>
        this.props.log.error("bus publish failed; the messages are lost", { error: String(error) }),
      );
  }

  private async send(text: string): Promise<void> {
    let payload = text;
    if (Buffer.byteLength(text) > NOTIFY_LIMIT) {
      const id = newId();
      await this.props.db.insertInto("bus_messages").values({ id, payload: text, create_at: Date.now() }).execute();
      payload = `@${id}`;
      // Old large messages have been read by every listener long ago.
      await this.props.db
        .deleteFrom("bus_messages")
        .where("create_at", "<", Date.now() - 60_000)
        .execute();
    }
    await sql`SELECT pg_notify(${this.channel}, ${payload})`.execute(this.props.db);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => {});
    await this.listener?.end().catch(() => {});
  }
}

/**
 * Messages (JSON texts, in order) packed into NOTIFY payloads: runs of them
 * as JSON arrays of at most `limit` bytes, and a message too large to share
 * one alone (sent through the `bus_messages` table).
 */
export function packed(texts: readonly string[], limit: number): string[] {
  const payloads: string[] = [];
  let run: string[] = [];
  let runBytes = 2;
  const close = () => {
    if (run.length === 1 && run[0] !== undefined) payloads.push(run[0]);
    else if (run.length > 1) payloads.push(`[${run.join(",")}]`);
    run = [];
    runBytes = 2;
  };
  for (const text of texts) {
    const bytes = Buffer.byteLength(text) + 1;
    if (runBytes + bytes > limit) close();
    if (bytes + 2 > limit) payloads.push(text);
    else {
      run.push(text);
      runBytes += bytes;
    }
  }
  close();
  return payloads;
}
