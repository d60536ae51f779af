/**
 * @module realtime/bus
 * The event bus between Sitrep processes. With SQLite there is one process and
 * the bus is local; with PostgreSQL, messages cross processes through
 * LISTEN/NOTIFY (large ones through the `bus_messages` table).
 */
import pg from "pg";
import type { Kysely } from "kysely";
import { newId } from "#common/ids.ts";
import type { Database } from "../db/schema.ts";

/** A message on the bus. `origin` is the sending process's id. */
export interface BusMessage {
  topic: string;
  payload: unknown;
  origin: string;
}

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
  close(): Promise<void>;
}

abstract class BaseBus implements EventBus {
  readonly processId = newId();
  abstract readonly crossesProcesses: boolean;
  private readonly handlers = new Set<(message: BusMessage) => void>();
  abstract publish(topic: string, payload: unknown): void;
  subscribe(handler: (message: BusMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
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

/** Several processes on one PostgreSQL: LISTEN/NOTIFY on a channel named after the schema. */
export class PgBus extends BaseBus {
  readonly crossesProcesses = true;
  private listener?: pg.Client;
  private readonly channel: string;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly props: { pgConfig: pg.PoolConfig; schema: string; db: Kysely<Database> }) {
    super();
    this.channel = `sitrep_${props.schema}`.replace(/[^a-z0-9_]/gi, "_").toLowerCase();
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.props.pgConfig.connectionString });
    client.on("notification", (n) => {
      if (n.payload) void this.receive(n.payload);
    });
    client.on("error", () => {
      // Reconnect after a dropped connection; messages in between are lost, as with any NOTIFY listener.
      if (!this.closed) setTimeout(() => void this.connect().catch(() => {}), 500);
    });
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    this.listener = client;
  }

  private async receive(raw: string): Promise<void> {
    let text = raw;
    if (raw.startsWith("@")) {
      const row = await this.props.db.selectFrom("bus_messages").select("payload").where("id", "=", raw.slice(1)).executeTakeFirst();
      if (!row) return;
      text = row.payload;
    }
    this.deliver(JSON.parse(text) as BusMessage);
  }

  publish(topic: string, payload: unknown): void {
    const text = JSON.stringify({ topic, payload, origin: this.processId } satisfies BusMessage);
    // Keep order between messages of this process.
    this.queue = this.queue.then(() => this.send(text)).catch((error) => console.error("bus publish failed", error));
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
    const { sql } = await import("kysely");
    await sql`SELECT pg_notify(${this.channel}, ${payload})`.execute(this.props.db);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => {});
    await this.listener?.end().catch(() => {});
  }
}
