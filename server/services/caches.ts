/**
 * @module services/caches
 * In-memory caches of hot rows (sessions, channels, channel members), kept
 * correct across processes: every change publishes an invalidation on the bus.
 * Invalidations are not logged: when the bus had a gap (a dropped PostgreSQL
 * LISTEN connection), any of them may have been missed, so everything is
 * dropped and read again (`{kind: "everything"}`).
 */
import type { ChannelsTable, SessionsTable, UserRow } from "../db/schema.ts";
import type { EventBus } from "../realtime/bus.ts";

export type Invalidation =
  | { kind: "user"; id: string }
  | { kind: "session"; tokenHash: string }
  | { kind: "channel"; id: string }
  | { kind: "members"; channelId: string }
  | { kind: "plugins" }
  /** Every cached row may be stale: the bus had a gap, and invalidations sent meanwhile were missed. */
  | { kind: "everything" };

const TOPIC = "cache.invalidate";

/**
 * The workspace facts {@link Caches.flag} holds:
 * - `hasUsers`: someone has signed up. Held only once true: users are deactivated, never deleted,
 *   so it never turns false again and needs no invalidation, in any process;
 * - `passwordLoginOpen`: no active system admin has signed in through the provider yet (oidc.ts).
 *   Dropped by every `user` invalidation (roles changed, deactivated, a provider identity linked),
 *   here and, through the bus, in every other process.
 */
export type WorkspaceFlag = "hasUsers" | "passwordLoginOpen";

/** Rows held by key. Callers read, remember and forget them; only the cache changes what it holds. */
export class RowCache<K, V> {
  private readonly rows = new Map<K, V>();

  /** The row held for `key`, or undefined. */
  get(key: K): V | undefined {
    return this.rows.get(key);
  }

  /** Hold `value` for `key`. */
  set(key: K, value: V): void {
    this.rows.set(key, value);
  }

  /** Forget `key`. */
  delete(key: K): void {
    this.rows.delete(key);
  }

  /** Forget every row `pick` chooses. */
  deleteWhere(pick: (value: V) => boolean): void {
    for (const [key, value] of this.rows) if (pick(value)) this.rows.delete(key);
  }
}

/** Channel rows, whose post counters move with each post written. */
export class ChannelCache extends RowCache<string, ChannelsTable> {
  /** A post was committed in the channel at `at`: count it, as the committed UPDATE did. */
  bumpCounters(channelId: string, at: number, root = false): void {
    const row = this.get(channelId);
    if (row)
      this.set(channelId, {
        ...row,
        last_post_at: at,
        total_msg_count: row.total_msg_count + 1,
        total_msg_count_root: (row.total_msg_count_root ?? 0) + (root ? 1 : 0),
      });
  }
}

/** The host's caches of hot rows, and their invalidation across processes. */
export class Caches {
  /** token hash → the session and its user. */
  readonly sessions = new RowCache<string, { session: SessionsTable; user: UserRow }>();
  readonly channels = new ChannelCache();
  /** channel id → ids of its members. */
  readonly members = new RowCache<string, Set<string>>();
  /** Facts every anonymous page load asks (`GET /api/v4/config/client`), read through {@link Caches.flag}. */
  private readonly flags = new RowCache<WorkspaceFlag, boolean>();
  /** Bumped by every invalidation applied: a read that began before one may be stale, and is not kept. */
  private generation = 0;
  private readonly listeners = new Set<(inv: Invalidation) => void>();

  constructor(private readonly bus: EventBus) {
    bus.onReconnect(() => this.apply({ kind: "everything" }));
    bus.subscribe((message) => {
      if (message.topic !== TOPIC) return;
      const { onlyElsewhere, ...inv } = message.payload as Invalidation & { onlyElsewhere?: boolean };
      if (onlyElsewhere && message.origin === bus.processId) return;
      this.apply(inv as Invalidation);
    });
  }

  /** Drop cached rows in every other process; this one has already brought its copy up to date. */
  invalidateElsewhere(inv: Invalidation): void {
    this.bus.publish(TOPIC, { ...inv, onlyElsewhere: true });
  }

  /** Drop cached rows here and in every other process. */
  invalidate(inv: Invalidation): void {
    this.apply(inv);
    this.bus.publish(TOPIC, inv);
  }

  /**
   * A workspace fact, read from the database only when this process does not hold it: `read` answers
   * it, and the answer is held when `keep` says so (default: always) and no invalidation came while it
   * was read. Which invalidations drop which fact is in {@link WorkspaceFlag}.
   */
  async flag(key: WorkspaceFlag, read: () => Promise<boolean>, keep: (value: boolean) => boolean = () => true): Promise<boolean> {
    const held = this.flags.get(key);
    if (held !== undefined) return held;
    const before = this.generation;
    const value = await read();
    if (keep(value) && before === this.generation) this.flags.set(key, value);
    return value;
  }

  /** Be told of every invalidation, local or remote. */
  onInvalidate(listener: (inv: Invalidation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(inv: Invalidation): void {
    this.generation += 1;
    switch (inv.kind) {
      case "user":
        this.sessions.deleteWhere((entry) => entry.user.id === inv.id);
        this.flags.delete("passwordLoginOpen");
        break;
      case "session":
        this.sessions.delete(inv.tokenHash);
        break;
      case "channel":
        this.channels.delete(inv.id);
        break;
      case "members":
        this.members.delete(inv.channelId);
        break;
      case "plugins":
        break;
      case "everything":
        this.sessions.deleteWhere(() => true);
        this.channels.deleteWhere(() => true);
        this.members.deleteWhere(() => true);
        this.flags.deleteWhere(() => true);
        break;
    }
    for (const listener of this.listeners) listener(inv);
  }
}
