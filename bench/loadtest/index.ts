/**
 * @module bench/loadtest
 * `npm run loadtest [-- options]`: the Mattermost-model load test (run.ts).
 *
 *   --quick                 50 users, the wait compressed 100x, a few minutes (what the test runs)
 *   --idle [1000,5000]      connect idle users at each count and print server memory per user
 *   --dialect sqlite|postgres   (sqlite)
 *   --processes 1|2         Sitrep processes on one PostgreSQL (1)
 *   --workers N             generator threads (1 with --quick, 2 otherwise)
 *   --max-users N --start-users N --step N --window-s N --flat-s N --max-s N   override the ramp plan
 *
 * Prints the settings, one line per window, and the verdict; exits 1 when a
 * 5xx was answered or the generator crashed.
 */
import { Command, InvalidArgumentError } from "commander";
import { type RampPlan } from "./model.ts";
import { runLoadTest, verdictLines, type LoadTestOptions } from "./run.ts";
import { benchPostgres } from "../support.ts";

const whole = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number");
  return n;
};

const program = new Command("loadtest")
  .option("--quick", "50 users, compressed wait")
  .option("--idle [counts]", "idle users at these counts (comma-separated)")
  .option("--dialect <dialect>", "sqlite or postgres", "sqlite")
  .option("--processes <n>", "1 or 2", whole, 1)
  .option("--workers <n>", "generator threads", whole)
  .option("--max-users <n>", "users seeded, the ramp's ceiling", whole)
  .option("--start-users <n>", "users at the start", whole)
  .option("--step <n>", "users added per window", whole)
  .option("--window-s <n>", "seconds per decision window", whole)
  .option("--flat-s <n>", "stop when flat this long", whole)
  .option("--max-s <n>", "stop after this long", whole)
  .parse();

const opts = program.opts<{
  quick?: boolean;
  idle?: string | boolean;
  dialect: string;
  processes: number;
  workers?: number;
  maxUsers?: number;
  startUsers?: number;
  step?: number;
  windowS?: number;
  flatS?: number;
  maxS?: number;
}>();

const dialect =
  opts.dialect === "sqlite" || opts.dialect === "postgres" ? opts.dialect : program.error("--dialect: must be sqlite or postgres");
const processes = opts.processes === 1 || opts.processes === 2 ? opts.processes : program.error("--processes: must be 1 or 2");
if (processes === 2 && dialect !== "postgres") program.error("--processes 2: needs --dialect postgres (one SQLite file has one process)");
const databaseUrl = dialect === "postgres" ? await benchPostgres() : undefined;
if (databaseUrl === null) program.error("--dialect postgres: no PostgreSQL answers at TEST_DATABASE_URL on 127.0.0.1");

const plan: Partial<RampPlan> = {
  ...(opts.maxUsers !== undefined ? { maxUsers: opts.maxUsers } : {}),
  ...(opts.startUsers !== undefined ? { startUsers: opts.startUsers } : {}),
  ...(opts.step !== undefined ? { step: opts.step, minStep: Math.max(1, Math.floor(opts.step / 8)) } : {}),
  ...(opts.windowS !== undefined ? { windowMs: opts.windowS * 1000 } : {}),
  ...(opts.flatS !== undefined ? { flatMs: opts.flatS * 1000 } : {}),
  ...(opts.maxS !== undefined ? { maxMs: opts.maxS * 1000 } : {}),
};
const idleCounts =
  typeof opts.idle === "string"
    ? opts.idle.split(",").map((c) => {
        const n = Number(c);
        if (!Number.isSafeInteger(n) || n <= 0) program.error(`--idle: ${c} is not a user count`);
        return n;
      })
    : undefined;
const options: LoadTestOptions = {
  mode: opts.idle ? "idle" : opts.quick ? "quick" : "full",
  dialect,
  processes,
  workers: opts.workers ?? (opts.quick ? 1 : 2),
  plan,
  idleCounts,
  databaseUrl: databaseUrl ?? undefined,
};
const report = await runLoadTest(options);
for (const line of verdictLines(report)) console.log(line);
process.exit(report.errors5xx > 0 || report.crashes > 0 ? 1 : 0);
