/**
 * @module jobs/jobs
 * Run-once jobs across every process serving the workspace: a job is a row of
 * the `jobs` table keyed by (kind, key), so it survives restarts and the same
 * key reschedules instead of adding a second. A poller on the host's clock
 * claims due jobs of the kinds this process handles in one UPDATE … RETURNING
 * (on PostgreSQL its subquery also takes `FOR UPDATE SKIP LOCKED`, and the
 * outer WHERE re-checks that the claim is still free, so two processes never
 * claim one job), runs each handler, deletes the job on success and retries
 * with exponential backoff until `maxAttempts`. A claim lapses after
 * `claimMs`, so a job whose process died mid-run is picked up again.
 *
 * No queue library serves here: the ones for Node (BullMQ, pg-boss,
 * graphile-worker) each need Redis or PostgreSQL alone, and Sitrep runs on
 * SQLite too.
 */
import type { Kysely } from "kysely";
import type { Disposable, DueJob, JobsApi } from "#plugin-api";
import type { Clock } from "../clock.ts";
import type { Database } from "../db/schema.ts";
import type { Dialect } from "../db/index.ts";
import { badRequest } from "../errors.ts";
import type { Logger } from "../log.ts";

/** How a handler of one kind runs. */
export interface JobHandlerOptions {
  /** Attempts before the job is dropped (default 1: no retry). */
  maxAttempts?: number;
}

interface HandlerEntry {
  handler: (job: DueJob) => void | Promise<void>;
  maxAttempts: number;
}

/** Longest wait between two attempts. */
const MAX_BACKOFF_MS = 60 * 60 * 1000;
/** Longest kind or key. */
const NAME_MAX = 200;

/**
 * The host's jobs: `handle` a kind, `schedule` and `cancel` by (kind, key).
 * @example jobs.handle("host/digest", run); await jobs.schedule({ kind: "host/digest", key: teamId, runAt: clock.now() + 60_000 });
 */
export class JobScheduler {
  private readonly handlers = new Map<string, HandlerEntry>();
  private poller: Disposable | undefined;
  private polling: Promise<void> | undefined;
  private claims = 0;
  private stopped = false;
  private readonly pollMs: number;
  private readonly claimMs: number;
  private readonly backoffMs: number;
  private readonly batch: number;

  constructor(
    private readonly props: {
      db: Kysely<Database>;
      dialect: Dialect;
      clock: Clock;
      log: Logger;
      /** Names this process's claims (the bus's process id). */
      processId: string;
      /** How often due jobs are looked for (default 1 s). */
      pollMs?: number;
      /** How long a claim holds before another process may take the job (default 5 min). */
      claimMs?: number;
      /** Wait before the second attempt; doubled for each later one (default 1 s). */
      backoffMs?: number;
      /** Most jobs claimed in one poll (default 20). */
      batch?: number;
    },
  ) {
    this.pollMs = props.pollMs ?? 1000;
    this.claimMs = props.claimMs ?? 5 * 60 * 1000;
    this.backoffMs = props.backoffMs ?? 1000;
    this.batch = props.batch ?? 20;
  }

  /** Run due jobs of `kind` in this process; dispose to stop. One handler per kind per process. */
  handle(kind: string, handler: HandlerEntry["handler"], options: JobHandlerOptions = {}): Disposable {
    checkName("kind", kind);
    if (this.handlers.has(kind)) throw badRequest("jobs.kind.taken", `kind: "${kind}" already has a handler in this process`);
    const maxAttempts = options.maxAttempts ?? 1;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
      throw badRequest("jobs.max_attempts", "maxAttempts: must be a whole number from 1");
    const entry: HandlerEntry = { handler, maxAttempts };
    this.handlers.set(kind, entry);
    if (!this.poller && !this.stopped) this.poller = this.props.clock.setInterval(() => this.poll(), this.pollMs);
    return {
      dispose: () => {
        if (this.handlers.get(kind) === entry) this.handlers.delete(kind);
      },
    };
  }

  /** Schedule a job, or reschedule the one of the same kind and key (its attempts start again). */
  async schedule(job: { kind: string; key: string; runAt: number; payload?: unknown }): Promise<void> {
    checkName("kind", job.kind);
    checkName("key", job.key);
    if (!Number.isFinite(job.runAt)) throw badRequest("jobs.run_at", "runAt: must be a time in ms since the epoch");
    const payload = JSON.stringify(job.payload ?? null);
    const runAt = Math.round(job.runAt);
    const reset = { run_at: runAt, payload, attempts: 0, claimed_by: "", claim_expires_at: 0 };
    await this.props.db
      .insertInto("jobs")
      .values({ kind: job.kind, key: job.key, ...reset })
      .onConflict((oc) => oc.columns(["kind", "key"]).doUpdateSet(reset))
      .execute();
  }

  /** Drop a scheduled job; harmless when there is none. A run already under way finishes. */
  async cancel(kind: string, key: string): Promise<void> {
    await this.props.db.deleteFrom("jobs").where("kind", "=", kind).where("key", "=", key).execute();
  }

  /**
   * One round: claim the due jobs of the handled kinds and run them. The
   * poller calls it; rounds never overlap (a call during a round waits for it).
   */
  async poll(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = this.round().finally(() => (this.polling = undefined));
    return this.polling;
  }

  /** Stop polling and wait for the round under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.poller?.dispose();
    this.poller = undefined;
    await this.polling;
  }

  /**
   * The jobs API of one plugin: its kinds are namespaced by its id, so two
   * plugins cannot collide, and its handlers go with its registrations.
   */
  forPlugin(pluginId: string, track: (disposable: Disposable) => Disposable): JobsApi {
    const prefix = `plugin/${pluginId}/`;
    const own = (kind: string) => {
      if (typeof kind !== "string" || !/^[A-Za-z0-9_.:-]+$/.test(kind))
        throw badRequest("plugin.api.invalid", `kind: "${String(kind)}" may hold only letters, digits, '_', '.', ':' and '-'`);
      return prefix + kind;
    };
    return {
      handle: (kind, handler, options) =>
        track(this.handle(own(kind), (job) => handler({ ...job, kind: job.kind.slice(prefix.length) }), options)),
      schedule: (job) => this.schedule({ ...job, kind: own(job.kind) }),
      cancel: (kind, key) => this.cancel(own(kind), key),
    };
  }

  private async round(): Promise<void> {
    if (this.stopped || this.handlers.size === 0) return;
    let claimed: Array<{ kind: string; key: string; run_at: number; payload: string; attempts: number }>;
    const token = `${this.props.processId}:${++this.claims}`;
    const now = this.props.clock.now();
    try {
      const due = this.props.db
        .selectFrom("jobs")
        .select(["kind", "key"])
        .where("kind", "in", [...this.handlers.keys()])
        .where("run_at", "<=", now)
        .where("claim_expires_at", "<=", now)
        .orderBy("run_at")
        .limit(this.batch)
        .$if(this.props.dialect === "postgres", (q) => q.forUpdate().skipLocked());
      claimed = await this.props.db
        .updateTable("jobs")
        .set((eb) => ({ claimed_by: token, claim_expires_at: now + this.claimMs, attempts: eb("attempts", "+", 1) }))
        // Checked again on the row itself: on PostgreSQL a concurrent claim that
        // committed first makes this row fail the test instead of being claimed twice.
        .where("claim_expires_at", "<=", now)
        .where("run_at", "<=", now)
        .where((eb) => eb(eb.refTuple("kind", "key"), "in", due.$asTuple("kind", "key")))
        .returning(["kind", "key", "run_at", "payload", "attempts"])
        .execute();
    } catch (error) {
      this.props.log.error("claiming due jobs failed", { error: error instanceof Error ? error.message : String(error) });
      return;
    }
    await Promise.all(
      claimed.map((row) =>
        this.run({ ...row, token }).catch((error: unknown) =>
          this.props.log.error("job bookkeeping failed", { kind: row.kind, key: row.key, error: String(error) }),
        ),
      ),
    );
  }

  private async run(row: { kind: string; key: string; run_at: number; payload: string; attempts: number; token: string }): Promise<void> {
    const mine = () =>
      this.props.db.deleteFrom("jobs").where("kind", "=", row.kind).where("key", "=", row.key).where("claimed_by", "=", row.token);
    const entry = this.handlers.get(row.kind);
    const fields = { kind: row.kind, key: row.key, attempt: row.attempts };
    if (!entry) {
      // The handler went away between the claim and now: give the job back untouched.
      await this.release(row, { run_at: row.run_at, attempts: row.attempts - 1 });
      return;
    }
    if (row.attempts > entry.maxAttempts) {
      // Claimed before by a process that stopped mid-run, as often as allowed.
      this.props.log.error("job dropped: no attempts left", fields);
      await mine().execute();
      return;
    }
    try {
      await entry.handler({ kind: row.kind, key: row.key, runAt: row.run_at, payload: JSON.parse(row.payload), attempt: row.attempts });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (row.attempts < entry.maxAttempts) {
        const delay = Math.min(this.backoffMs * 2 ** (row.attempts - 1), MAX_BACKOFF_MS);
        this.props.log.warn("job failed; retrying", { ...fields, error: reason, retry_in_ms: delay });
        await this.release(row, { run_at: this.props.clock.now() + delay, attempts: row.attempts });
      } else {
        this.props.log.error("job failed; no attempts left", { ...fields, error: reason });
        await mine().execute();
      }
      return;
    }
    // Only the row this run claimed: a reschedule during the run cleared the claim and stays.
    await mine().execute();
  }

  private async release(row: { kind: string; key: string; token: string }, values: { run_at: number; attempts: number }): Promise<void> {
    await this.props.db
      .updateTable("jobs")
      .set({ ...values, claimed_by: "", claim_expires_at: 0 })
      .where("kind", "=", row.kind)
      .where("key", "=", row.key)
      .where("claimed_by", "=", row.token)
      .execute();
  }
}

function checkName(field: string, value: string): void {
  if (typeof value !== "string" || value.length === 0 || value.length > NAME_MAX)
    throw badRequest("jobs.name.invalid", `${field}: must be 1 to ${NAME_MAX} characters`);
}
