/**
 * @module services/caches
 * In-memory caches of hot rows (sessions, channels, channel members), kept
 * correct across processes: every change publishes an invalidation on the bus.
 */
import type { ChannelsTable, SessionsTable, UsersTable } from "../db/schema.ts";
import type { EventBus } from "../realtime/bus.ts";

export type Invalidation =
  | { kind: "user"; id: string }
  | { kind: "session"; tokenHash: string }
  | { kind: "channel"; id: string }
  | { kind: "members"; channelId: string }
  | { kind: "plugins" };

const TOPIC = "cache.invalidate";

export class Caches {
  readonly sessions = new Map<string, { session: SessionsTable; user: UsersTable }>();
  readonly channels = new Map<string, ChannelsTable>();
  /** channel id → ids of its members. */
  readonly members = new Map<string, Set<string>>();
  private readonly listeners = new Set<(inv: Invalidation) => void>();

  constructor(private readonly bus: EventBus) {
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

  /** Be told of every invalidation, local or remote. */
  onInvalidate(listener: (inv: Invalidation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(inv: Invalidation): void {
    switch (inv.kind) {
      case "user":
        for (const [key, entry] of this.sessions) if (entry.user.id === inv.id) this.sessions.delete(key);
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
    }
    for (const listener of this.listeners) listener(inv);
  }
}
