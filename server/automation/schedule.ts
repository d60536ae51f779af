/**
 * @module automation/schedule
 * The `schedule` trigger's clock: one timer per subscription, ticking on a
 * cron expression (cron-parser; five fields, or six with seconds first). Each
 * process of a workspace runs the same timers, so every tick is claimed in the
 * database first — a row keyed by (subscription, tick time) that only one
 * process can insert — and only the process that claimed it fires.
 */
import { CronExpressionParser } from "cron-parser";
import type { Kysely } from "kysely";
import type { Disposable } from "#plugin-api";
import { badRequest } from "../errors.ts";
import { migrate } from "../db/index.ts";

/** Row of `automation_schedule_claims`: who ran which tick. */
export interface ScheduleClaimsTable {
  subscription_key: string;
  tick_at: number;
  claimed_at: number;
}

type ClaimsDb = {
  automation_schedule_claims: ScheduleClaimsTable;
};

/** Longest wait of one timer; a later tick is reached by waiting again (setTimeout's limit is ~24.8 days). */
const MAX_WAIT_MS = 60 * 60 * 1000;
/** Claims older than this are pruned; a tick is never claimed again that late. */
const CLAIM_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Create the claims table (a versioned migration of the `automation` namespace). */
export async function migrateScheduleClaims(db: Kysely<unknown>): Promise<void> {
  await migrate({
    db,
    namespace: "automation",
    migrations: {
      "0001_schedule_claims": {
        async up(mdb: Kysely<unknown>) {
          await mdb.schema
            .createTable("automation_schedule_claims")
            .addColumn("subscription_key", "text", (c) => c.notNull())
            .addColumn("tick_at", "bigint", (c) => c.notNull())
            .addColumn("claimed_at", "bigint", (c) => c.notNull())
            .addPrimaryKeyConstraint("automation_schedule_claims_pk", ["subscription_key", "tick_at"])
            .execute();
        },
      },
    },
  });
}

/**
 * Claim one tick of one subscription. True for exactly one caller across all
 * processes sharing the database: the insert of the (key, tick) row succeeds
 * once; every other insert hits the primary key and does nothing.
 */
export async function claimScheduleTick(db: Kysely<unknown>, props: { key: string; tickAt: number }): Promise<boolean> {
  const claims = db.withTables<ClaimsDb>();
  const result = await claims
    .insertInto("automation_schedule_claims")
    .values({ subscription_key: props.key, tick_at: props.tickAt, claimed_at: Date.now() })
    .onConflict((oc) => oc.columns(["subscription_key", "tick_at"]).doNothing())
    .executeTakeFirst();
  const won = Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  if (won)
    await claims
      .deleteFrom("automation_schedule_claims")
      .where("subscription_key", "=", props.key)
      .where("tick_at", "<", props.tickAt - CLAIM_RETENTION_MS)
      .execute();
  return won;
}

/** Parse a cron expression, or a 400 naming `where.cron` and the reason. */
export function parseCron(cron: unknown, timezone?: unknown): (after: number) => number {
  if (typeof cron !== "string" || !cron.trim()) throw badRequest("automation.schedule.cron", 'where.cron: is required, e.g. "0 9 * * 1-5"');
  const fields = cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6)
    throw badRequest(
      "automation.schedule.cron",
      `where.cron: "${cron}" must have 5 fields (minute hour day month weekday), or 6 with seconds first`,
    );
  const tz = typeof timezone === "string" && timezone ? timezone : "UTC";
  try {
    CronExpressionParser.parse(cron, { tz, strict: false }).next();
  } catch (error) {
    throw badRequest(
      "automation.schedule.cron",
      `where.cron: "${cron}" is not a valid cron expression (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return (after) =>
    CronExpressionParser.parse(cron, { currentDate: new Date(after), tz, strict: false })
      .next()
      .getTime();
}

/**
 * Run `onTick(tickAt)` at every tick of `cron` that this process claims.
 * @example scheduleTicks({ db, key: workflowId, cron: "0 9 * * *", onTick: (at) => fire(at) })
 */
export function scheduleTicks(props: {
  db: Kysely<unknown>;
  key: string;
  cron: string;
  timezone?: string;
  onTick(tickAt: number): void;
  onError(error: unknown): void;
}): Disposable {
  const nextAfter = parseCron(props.cron, props.timezone);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const waitFor = (tickAt: number) => {
    if (stopped) return;
    const delay = Math.max(0, tickAt - Date.now());
    timer = setTimeout(() => void arrive(tickAt), Math.min(delay, MAX_WAIT_MS));
    timer.unref();
  };
  const arrive = async (tickAt: number) => {
    if (stopped) return;
    if (Date.now() < tickAt) return waitFor(tickAt); // a long wait is split; keep waiting
    try {
      if (await claimScheduleTick(props.db, { key: props.key, tickAt })) {
        if (!stopped) props.onTick(tickAt);
      }
    } catch (error) {
      props.onError(error);
    }
    waitFor(nextAfter(Math.max(tickAt, Date.now() - 1)));
  };
  waitFor(nextAfter(Date.now()));
  return {
    dispose: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
