/**
 * @module realtime/event-log
 * The sequenced log behind the hub. Every published event gets a sequence
 * number: on PostgreSQL the id of its row in `realtime_events`, written by the
 * publishing process before the event crosses the bus, so a process whose
 * LISTEN connection dropped reads what it missed; with SQLite (one process)
 * none. Each process remembers the sequence numbers it delivered last, so an
 * event read back after a gap is not delivered twice.
 */
import { z } from "zod";
import type { Kysely } from "kysely";
import type { EventScope } from "#plugin-api";
import type { Database } from "../db/schema.ts";

/**
 * How many log sequence numbers of delivered events a process remembers, so
 * that a catch-up after a LISTEN gap, which reads back a few seconds before
 * the gap, does not deliver an event twice: far more than a busy workspace
 * publishes in those seconds.
 */
export const RECENT_EVENTS_CAPACITY = 4096;

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

/** The log sequence numbers of the events this process delivered last, at most `capacity` of them. */
export class RecentEvents {
  private readonly slots: (number | undefined)[];
  private readonly seqs = new Set<number>();
  private next = 0;

  constructor(private readonly props: { capacity: number }) {
    this.slots = new Array<number | undefined>(props.capacity);
  }

  /** Remember a delivered event's sequence number, forgetting the oldest past the capacity. */
  add(seq: number): void {
    const index = this.next++ % this.props.capacity;
    const evicted = this.slots[index];
    if (evicted !== undefined) this.seqs.delete(evicted);
    this.slots[index] = seq;
    this.seqs.add(seq);
  }

  /** True when the event with this log sequence number was delivered and is still remembered. */
  holds(seq: number): boolean {
    return this.seqs.has(seq);
  }
}

/** The `realtime_events` table on PostgreSQL: one row per published event, in every process's view. */
export class LoggedEvents {
  constructor(private readonly db: Kysely<Database>) {}

  /** Store events in one INSERT; returns their sequence numbers, in the same order. */
  async appendAll(events: ReadonlyArray<Omit<WireEvent, "seq">>): Promise<number[]> {
    if (events.length === 0) return [];
    const createAt = Date.now();
    const rows = await this.db
      .insertInto("realtime_events")
      .values(events.map((event) => ({ payload: JSON.stringify(event), create_at: createAt })))
      .returning("seq")
      .execute();
    // One statement takes its sequence numbers in the order of its rows.
    return rows.map((r) => r.seq).sort((a, b) => a - b);
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
