/**
 * @module db/health
 * Whether the database is reachable, as the process last found it. PostgreSQL
 * can go away under a running server — a restart, a failover, an operator
 * ending backends, a network cut — and the server must neither crash nor
 * pretend: requests that need the database answer 503 while it is gone,
 * `/api/v4/system/ping` reports it, and the connections come back on their
 * own. Every query's outcome passes through {@link DatabaseHealth.observe}
 * (db/index.ts wraps the driver's connections), so the first failure marks
 * the database down and starts probing it with backoff; the first success
 * marks it up again.
 *
 * SQLite is a file: it does not go away, and its health is always up.
 */
import type { Logger } from "../log.ts";

/** SQLSTATE classes and codes that mean the connection, not the statement, failed. */
const CONNECTION_SQLSTATES = /^(08|57P0[1-4]$|53300$)/;
/** Node's socket error codes for a server that is not there. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
/** What node-postgres says when a connection dies or cannot be had (it sets no code). */
const CONNECTION_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "is not queryable",
  "Client has encountered a connection error",
  "terminating connection",
];

/**
 * True when the error says the database could not be reached or the
 * connection broke — not that a statement was wrong. Such a request may
 * succeed if tried again in a moment.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = "code" in error && typeof error.code === "string" ? error.code : "";
  if (CONNECTION_SQLSTATES.test(code) || SOCKET_CODES.has(code)) return true;
  return CONNECTION_MESSAGES.some((m) => error.message.includes(m));
}

/** First probe after a failure, and the longest wait between probes. */
const PROBE_FIRST_MS = 100;
const PROBE_MAX_MS = 5_000;

/** The reachability of one process's database. */
export class DatabaseHealth {
  private downSince = 0;
  private probeTimer: NodeJS.Timeout | null = null;
  private probeDelay = PROBE_FIRST_MS;
  private closed = false;
  private readonly upListeners = new Set<(gap: { from: number; ms: number }) => void>();

  constructor(
    private readonly props: {
      /** One cheap round trip on a connection from the pool (`SELECT 1`). */
      probe: () => Promise<void>;
      log: Pick<Logger, "warn" | "info">;
    },
  ) {}

  /** True while the database is thought reachable. */
  get up(): boolean {
    return this.downSince === 0;
  }

  /** Since when it is unreachable (ms since the epoch), or 0. */
  get unreachableSince(): number {
    return this.downSince;
  }

  /** Be told when the database answers again after being down. Returns an unsubscribe function. */
  onUp(listener: (gap: { from: number; ms: number }) => void): () => void {
    this.upListeners.add(listener);
    return () => this.upListeners.delete(listener);
  }

  /** Note a query's outcome: a connection error marks the database down, any answer marks it up. */
  observe(outcome: { ok: true } | { ok: false; error: unknown }): void {
    if (outcome.ok) this.markUp();
    else if (isConnectionError(outcome.error)) this.markDown(outcome.error);
  }

  /** The pool lost an idle connection (the server ended it): what the next query finds out, known now. */
  connectionLost(error: unknown): void {
    this.markDown(error);
  }

  private markDown(error: unknown): void {
    if (this.closed) return;
    if (this.downSince === 0) {
      this.downSince = Date.now();
      this.props.log.warn("database connection lost; requests that need it answer 503 until it is back", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.scheduleProbe();
  }

  private markUp(): void {
    if (this.downSince === 0) return;
    const gap = { from: this.downSince, ms: Date.now() - this.downSince };
    this.downSince = 0;
    this.probeDelay = PROBE_FIRST_MS;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    this.props.log.info("database reachable again", { unreachable_ms: gap.ms });
    for (const listener of this.upListeners) listener(gap);
  }

  /** Probe again after the current backoff, doubling it up to {@link PROBE_MAX_MS}. */
  private scheduleProbe(): void {
    if (this.probeTimer || this.closed) return;
    const delay = this.probeDelay;
    this.probeDelay = Math.min(this.probeDelay * 2, PROBE_MAX_MS);
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      // The probe's own outcome passes through observe(): a success marks the database up.
      this.props.probe().then(
        () => this.markUp(),
        () => this.scheduleProbe(),
      );
    }, delay);
    this.probeTimer.unref();
  }

  /** Stop probing (the database is being closed). */
  close(): void {
    this.closed = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }
}

/**
 * Run `work`, trying again with backoff while it fails because the database
 * is unreachable, for at most `maxMs`; any other error, or the last one,
 * is thrown. For background writes that must not be lost to a short gap
 * (the realtime log, the bus), never for a request's own writes.
 * @example await whileUnreachable(() => logged.appendAll([event]), { maxMs: 30_000 })
 */
export async function whileUnreachable<T>(work: () => Promise<T>, props: { maxMs: number }): Promise<T> {
  const deadline = Date.now() + props.maxMs;
  let delay = PROBE_FIRST_MS;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isConnectionError(error) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, PROBE_MAX_MS);
    }
  }
}
