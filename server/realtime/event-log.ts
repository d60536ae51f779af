/**
 * @module realtime/event-log
 * The sequenced log behind the hub. Every published event gets a sequence
 * number: on PostgreSQL the id of its row in `realtime_events`, written by the
 * publishing process before the event crosses the bus, so a process whose
 * LISTEN connection dropped reads what it missed; with SQLite (one process)
 * the position in this process's buffer. Each process also keeps the events it
 * delivered, in delivery order, in a ring bounded by count and age: what a
 * reconnecting WebSocket missed is replayed from there.
 */
import { z } from "zod";
import type { Kysely } from "kysely";
import type { EventScope } from "#plugin-api";
import type { Database } from "../db/schema.ts";

/**
 * How many delivered events a process keeps for replay. A client reconnects
 * within seconds of a dropped socket (@mattermost/client retries after 3 s
 * plus up to 2 s of jitter); 4,096 events cover that window for a busy
 * workspace (hundreds of events a second) while holding at most a few MB of
 * encoded frames. A reconnect that needs older events gets a fresh hello.
 */
export const RECENT_EVENTS_CAPACITY = 4096;

/**
 * How long a delivered event, and a closed connection's resume state, are
 * kept: past two minutes the client has been backing off for a while and a
 * reload (what a fresh hello asks for) is the better answer.
 */
export const RECENT_EVENTS_MAX_AGE_MS = 2 * 60_000;

/** How long rows stay in `realtime_events`: far longer than a LISTEN reconnect takes. */
export const LOGGED_EVENTS_MAX_AGE_MS = 10 * 60_000;

/** A realtime event as it crosses the bus and is stored in the log: `seq` is its row id on PostgreSQL. */
export interface WireEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: EventScope;
  seq: number | null;
}

const eventScopeSchema: z.ZodType<EventScope> = z.union([
  z.object({ channelId: z.string(), omitUserId: z.string().optional() }),
  z.object({ userId: z.string() }),
  z.object({ teamId: z.string() }),
  z.object({ systemAdmins: z.literal(true) }),
  z.object({ all: z.literal(true) }),
]);

/** The shape of a {@link WireEvent} read from the bus or the log table. */
export const wireEventSchema: z.ZodType<WireEvent> = z.object({
  event: z.string(),
  data: z.record(z.string(), z.unknown()),
  broadcast: eventScopeSchema,
  seq: z.number().int().nullable(),
});

/** One delivered event in a process's ring. */
export interface DeliveredEvent {
  /** 1, 2, 3… in the order this process delivered its events. */
  position: number;
  event: WireEvent;
  /** The envelope up to the per-connection seq (see the hub's `envelopePrefix`). */
  prefix: Buffer;
  at: number;
}

/** The events this process delivered recently, by delivery position. */
export class RecentEvents {
  private readonly slots: (DeliveredEvent | undefined)[];
  private readonly seqs = new Set<number>();
  private newest = 0;
  private oldest = 1;

  constructor(private readonly props: { capacity: number; maxAgeMs: number; now?: () => number }) {
    this.slots = new Array<DeliveredEvent | undefined>(props.capacity);
  }

  /** Position of the newest event delivered; 0 before the first. */
  get head(): number {
    return this.newest;
  }

  /** Keep a delivered event; returns it with its position. */
  append(event: WireEvent, prefix: Buffer): DeliveredEvent {
    const entry: DeliveredEvent = { position: this.newest + 1, event, prefix, at: this.now() };
    const index = entry.position % this.props.capacity;
    const evicted = this.slots[index];
    if (evicted) this.forget(evicted);
    this.slots[index] = entry;
    this.newest = entry.position;
    if (event.seq !== null) this.seqs.add(event.seq);
    return entry;
  }

  /** True when the event with this log sequence number was delivered and is still held. */
  holds(seq: number): boolean {
    return this.seqs.has(seq);
  }

  /** Every held event from `position` on, in order; null when some of them are no longer held. */
  since(position: number): DeliveredEvent[] | null {
    this.expire();
    if (position > this.newest) return [];
    if (position < this.oldest) return null;
    const found: DeliveredEvent[] = [];
    for (let p = position; p <= this.newest; p++) {
      const entry = this.slots[p % this.props.capacity];
      if (!entry || entry.position !== p) return null;
      found.push(entry);
    }
    return found;
  }

  private expire(): void {
    const cutoff = this.now() - this.props.maxAgeMs;
    for (;;) {
      const index = this.oldest % this.props.capacity;
      const entry = this.slots[index];
      if (!entry || entry.position !== this.oldest || entry.at >= cutoff) return;
      this.slots[index] = undefined;
      this.forget(entry);
    }
  }

  private forget(entry: DeliveredEvent): void {
    if (entry.event.seq !== null) this.seqs.delete(entry.event.seq);
    this.oldest = Math.max(this.oldest, entry.position + 1);
  }

  private now(): number {
    return this.props.now ? this.props.now() : Date.now();
  }
}

/** The `realtime_events` table on PostgreSQL: one row per published event, in every process's view. */
export class LoggedEvents {
  constructor(private readonly db: Kysely<Database>) {}

  /** Store an event; returns its sequence number. */
  async append(event: Omit<WireEvent, "seq">): Promise<number> {
    const row = await this.db
      .insertInto("realtime_events")
      .values({ payload: JSON.stringify(event), create_at: Date.now() })
      .returning("seq")
      .executeTakeFirstOrThrow();
    return row.seq;
  }

  /**
   * The events a process may have missed, in sequence order: every one after
   * `afterSeq` (when it saw one), and every one stored since `fromTime` (sequence numbers are
   * taken before commit, so a row can commit after a later one was seen).
   */
  async since(props: { afterSeq: number | null; fromTime: number }): Promise<WireEvent[]> {
    const { afterSeq, fromTime } = props;
    const rows = await this.db
      .selectFrom("realtime_events")
      .select(["seq", "payload"])
      .where((eb) =>
        afterSeq === null ? eb("create_at", ">=", fromTime) : eb.or([eb("seq", ">", afterSeq), eb("create_at", ">=", fromTime)]),
      )
      .orderBy("seq")
      .execute();
    return rows.map((row) => wireEventSchema.parse({ ...z.record(z.string(), z.unknown()).parse(JSON.parse(row.payload)), seq: row.seq }));
  }

  /** Delete rows older than {@link LOGGED_EVENTS_MAX_AGE_MS}. */
  async trim(): Promise<void> {
    await this.db
      .deleteFrom("realtime_events")
      .where("create_at", "<", Date.now() - LOGGED_EVENTS_MAX_AGE_MS)
      .execute();
  }
}
