/**
 * @module bench/loadtest/run
 * One load-test run, as Mattermost's load-test-ng runs its ceiling test: a
 * workspace seeded before the measured window (workspace.ts), Sitrep as real
 * server processes (one or two; SQLite or PostgreSQL), simulated users in
 * worker threads (users.mjs) following the model (model.ts), and a ramp that
 * adds users while every threshold holds, removes some when one breaks, and
 * stops when the user count has been flat for a while. Every sample window
 * reads the server processes' CPU time and memory from /proc and the
 * generator's own CPU time, printed apart. `--idle` connects users that do
 * nothing, to measure memory per connected user.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { newId } from "#common/ids.ts";
import { buildPlugin } from "../../scripts/build-plugin.mjs";
import { startServerProcess, type ServerProcess } from "../../scripts/server-process.ts";
import { dropPgSchema } from "../../server/db/index.ts";
import { percentile, startBenchServer, tmpDir } from "../support.ts";
import { ACTION_WEIGHTS, FULL_PLAN, INCIDENT_ACTION_WEIGHTS, MODEL, OTHER_COUNTED, QUICK_PLAN, type RampPlan } from "./model.ts";
import { seedLoadWorkspace, type LoadWorkspace } from "./workspace.ts";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * The limits the server processes run with (issue 16's settings), set as a
 * deployment sets them and printed with the results: every simulated user
 * comes from 127.0.0.1, so the per-address limits are raised past the users.
 */
export const LOADTEST_SETTINGS = {
  SITREP_WS_PER_ADDRESS: "0",
  SITREP_WS_PER_USER: "50",
  SITREP_WS_AUTH_TIMEOUT_MS: "60000",
  SITREP_LOGIN_RATE_PER_ADDRESS: "0",
  SITREP_LOGIN_RATE_PER_ACCOUNT: "0",
  SITREP_LOG_LEVEL: "error",
} as const;

export interface LoadTestOptions {
  mode: "quick" | "full" | "idle";
  dialect: "sqlite" | "postgres";
  processes: 1 | 2;
  /** Worker threads of the generator. */
  workers: number;
  /** Overrides of the mode's ramp plan. */
  plan?: Partial<RampPlan>;
  /** `--idle`: the user counts to measure memory at, in order. */
  idleCounts?: number[];
  /** PostgreSQL to use (a fresh schema on it, dropped afterwards). */
  databaseUrl?: string;
  /** Where to print progress lines (console.log by default). */
  print?: (line: string) => void;
}

/** What the thresholds read over one window. */
export interface WindowStats {
  users: number;
  requests: number;
  avgMs: number;
  p99Ms: number;
  errors5xx: number;
  timeouts: number;
  errors4xx: number;
  errorShare: number;
  /** Sitrep's processes' CPU time over the window, as a share of the machine's cores. */
  serverCpu: number;
  /** The generator's (this process, all its threads). */
  generatorCpu: number;
  serverRssMb: number;
  /** Which thresholds broke; empty when all held. */
  broken: string[];
}

/** What the generator counts: per kind of action, and per request. */
export interface GeneratorCounts {
  /** Begun and done per counted kind (actions, start-ups, status polls, incident actions). */
  begun: Record<string, number>;
  done: Record<string, number>;
  requests: number;
  errors5xx: number;
  timeouts: number;
  errors4xx: number;
  /** Actions that threw: bugs of the generator. */
  crashes: number;
  /** The first failed requests and crashes, as lines. */
  failures: string[];
}

export interface LoadTestReport extends GeneratorCounts {
  settings: string;
  framesReceived: number;
  windows: WindowStats[];
  /** The largest user count at which a whole window held every threshold (0 when none did). */
  supportedUsers: number;
  atSupported: WindowStats | null;
  /** Server memory (RSS, all processes) per connected user, from before any user to the end. */
  memoryPerUserKb: number;
  /** `--idle`: server RSS at each user count. */
  idle: Array<{ users: number; rssMb: number }>;
  baselineRssMb: number;
}

/** Kernel clock ticks per second, as /proc reports CPU time (USER_HZ is 100 on Linux). */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) of a process, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name may hold spaces; the fields after ")" are fixed: utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident memory of a process in MB, from /proc/<pid>/status. */
export function processRssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : 0;
}

/** The generator's worker threads, asked in turn; each answer is matched to its question by order. */
class GeneratorThread {
  private readonly worker: Worker;
  private readonly waiting: Array<{ resolve: (v: unknown) => void; reject: (e: Error) => void }> = [];

  constructor(workerData: unknown) {
    this.worker = new Worker(new URL("./users.mjs", import.meta.url), { workerData });
    this.worker.on("message", (message: unknown) => this.waiting.shift()?.resolve(message));
    this.worker.on("error", (error) => {
      for (const w of this.waiting.splice(0)) w.reject(error);
    });
  }

  ask<T>(command: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve: (v) => resolve(v as T), reject });
      this.worker.postMessage(command);
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

interface WorkerSample extends GeneratorCounts {
  latencies: Float64Array;
  frames: number;
  open: number;
  running: number;
}

/** The settings line printed first: the server limits and the load model's figures. */
export function settingsLine(options: Pick<LoadTestOptions, "dialect" | "processes" | "workers" | "mode">, plan: RampPlan): string {
  const limits = Object.entries(LOADTEST_SETTINGS)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return (
    `${limits}; ${options.dialect}, ${options.processes} process(es), ${options.workers} generator thread(s), mode ${options.mode}; ` +
    `wait ${MODEL.wait.minMs}-${MODEL.wait.maxMs} ms x ${MODEL.wait.rateFactor} x ${plan.compress}, status poll ${MODEL.statusPollMs * plan.compress} ms; ` +
    `cores ${os.availableParallelism()}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`
  );
}

/**
 * Seed, start the servers, ramp, and report.
 * @example const report = await runLoadTest({ mode: "quick", dialect: "sqlite", processes: 1, workers: 1 });
 */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestReport> {
  const print = options.print ?? ((line: string) => console.log(line));
  const base = options.mode === "quick" ? QUICK_PLAN : FULL_PLAN;
  const idleCounts = options.idleCounts ?? [1_000, 5_000];
  const plan: RampPlan = {
    ...base,
    // Idle users never act: their first wait is longer than the run (and within a timer's range).
    ...(options.mode === "idle" ? { maxUsers: Math.max(...idleCounts), compress: 1_000 } : {}),
    ...options.plan,
  };
  const settings = settingsLine(options, plan);
  print(`settings: ${settings}`);
  const tmp = tmpDir("loadtest");
  const databaseUrl = options.dialect === "postgres" ? (options.databaseUrl ?? "postgres://postgres@127.0.0.1:5432/test") : undefined;
  const pgSchema = databaseUrl ? `loadtest_${newId()}` : undefined;
  const processes: ServerProcess[] = [];
  const threads: GeneratorThread[] = [];
  try {
    const bundles = path.join(tmp.dir, "bundles");
    fs.mkdirSync(bundles);
    await buildPlugin({ dir: path.join(root, "plugins/incident"), outDir: bundles });
    const dataDir = path.join(tmp.dir, "seed");
    const seedStarted = Date.now();
    // The workspace is made by an in-process server on the same data, then closed: the processes open it afterwards.
    const seeder = await startBenchServer(dataDir, databaseUrl && pgSchema ? { databaseUrl, pgSchema } : undefined, {
      prepackagedPluginsDir: bundles,
    });
    let workspace: LoadWorkspace;
    try {
      workspace = await seedLoadWorkspace(seeder, { userCount: plan.maxUsers });
    } finally {
      await seeder.close();
    }
    print(
      `seeded ${workspace.users.length} users (sessions in bulk), ${Object.keys(workspace.forwardKeywords).length} forwarded channels, ` +
        `${new Set(workspace.users.flatMap((u) => (u.incident ? [u.incident.id] : []))).size} active incidents in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
    );
    for (let p = 0; p < options.processes; p++)
      processes.push(
        await startServerProcess({
          dataDir: path.join(dataDir, "data"),
          databaseUrl,
          pgSchema,
          prepackagedPluginsDir: bundles,
          env: { ...LOADTEST_SETTINGS, ...(p > 0 ? { SITREP_DATA_DIR: path.join(tmp.dir, `data-${p}`) } : {}) },
        }),
      );
    const urls = processes.map((p) => p.url);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const baselineRssMb = processes.reduce((sum, p) => sum + processRssMb(p.pid), 0);
    for (let w = 0; w < options.workers; w++) threads.push(new GeneratorThread({ urls, model: MODEL, compress: plan.compress, workspace }));

    const totals = {
      begun: {} as Record<string, number>,
      done: {} as Record<string, number>,
      requests: 0,
      errors5xx: 0,
      timeouts: 0,
      errors4xx: 0,
      crashes: 0,
      frames: 0,
      failures: [] as string[],
    };
    const add = (into: Record<string, number>, from: Record<string, number>) => {
      for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
    };
    const absorb = (samples: WorkerSample[]) => {
      for (const s of samples) {
        add(totals.begun, s.begun);
        add(totals.done, s.done);
        totals.requests += s.requests;
        totals.errors5xx += s.errors5xx;
        totals.timeouts += s.timeouts;
        totals.errors4xx += s.errors4xx;
        totals.crashes += s.crashes;
        totals.frames += s.frames;
        for (const f of s.failures) if (totals.failures.length < 40) totals.failures.push(f);
      }
    };

    let users = 0;
    /** Start users `users`..`target-1` (spread over `spreadMs`), or stop the last ones down to `target`. */
    const setUsers = async (target: number, spreadMs: number) => {
      target = Math.max(0, Math.min(target, workspace.users.length));
      if (target > users) {
        const byThread = threads.map(() => [] as number[]);
        for (let i = users; i < target; i++) byThread[i % threads.length]?.push(i);
        await Promise.all(threads.map((t, w) => t.ask({ type: "start", indexes: byThread[w], spreadMs })));
      } else if (target < users) {
        const byThread = threads.map(() => 0);
        for (let i = target; i < users; i++) byThread[i % threads.length] = (byThread[i % threads.length] ?? 0) + 1;
        await Promise.all(threads.map((t, w) => t.ask({ type: "stop", count: byThread[w] })));
      }
      users = target;
    };

    const serverCpu = () => processes.reduce((sum, p) => sum + processCpuSeconds(p.pid), 0);
    const serverRss = () => processes.reduce((sum, p) => sum + processRssMb(p.pid), 0);
    const cores = os.availableParallelism();

    /** Sample every sampleMs for one window; the window's stats. */
    const measureWindow = async (windowMs: number): Promise<WindowStats> => {
      const latencies: Float64Array[] = [];
      const counts = { requests: 0, errors5xx: 0, timeouts: 0, errors4xx: 0 };
      const cpuFrom = serverCpu();
      const genFrom = process.cpuUsage();
      const from = Date.now();
      let maxServerCpu = 0;
      let lastCpu = cpuFrom;
      let lastAt = from;
      while (Date.now() - from < windowMs) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(MODEL.sampleMs, windowMs - (Date.now() - from))));
        const samples = await Promise.all(threads.map((t) => t.ask<WorkerSample>({ type: "sample" })));
        absorb(samples);
        for (const s of samples) {
          latencies.push(s.latencies);
          counts.requests += s.requests;
          counts.errors5xx += s.errors5xx;
          counts.timeouts += s.timeouts;
          counts.errors4xx += s.errors4xx;
        }
        // The CPU threshold holds for every 5 s sample, not only on average over the window.
        const cpuNow = serverCpu();
        const at = Date.now();
        maxServerCpu = Math.max(maxServerCpu, (cpuNow - lastCpu) / ((at - lastAt) / 1000) / cores);
        lastCpu = cpuNow;
        lastAt = at;
      }
      const seconds = (Date.now() - from) / 1000;
      const gen = process.cpuUsage(genFrom);
      const all = new Float64Array(latencies.reduce((n, l) => n + l.length, 0));
      let offset = 0;
      for (const l of latencies) {
        all.set(l, offset);
        offset += l.length;
      }
      const avgMs = all.length ? all.reduce((a, b) => a + b, 0) / all.length : 0;
      const p99Ms = percentile(all, 0.99);
      const errorShare = counts.requests ? (counts.errors5xx + counts.timeouts) / counts.requests : 0;
      const t = MODEL.thresholds;
      const broken = [
        ...(avgMs >= t.avgMs ? [`avg ${avgMs.toFixed(0)} ms >= ${t.avgMs}`] : []),
        ...(p99Ms >= t.p99Ms ? [`p99 ${p99Ms.toFixed(0)} ms >= ${t.p99Ms}`] : []),
        ...(errorShare >= t.errorShare ? [`errors ${(errorShare * 100).toFixed(3)} % >= ${t.errorShare * 100} %`] : []),
        ...(maxServerCpu >= t.cpuShare ? [`server CPU ${(maxServerCpu * 100).toFixed(0)} % >= ${t.cpuShare * 100} %`] : []),
      ];
      return {
        users,
        requests: counts.requests,
        avgMs,
        p99Ms,
        errors5xx: counts.errors5xx,
        timeouts: counts.timeouts,
        errors4xx: counts.errors4xx,
        errorShare,
        serverCpu: maxServerCpu,
        generatorCpu: (gen.user + gen.system) / 1e6 / seconds / cores,
        serverRssMb: serverRss(),
        broken,
      };
    };
    const windowLine = (w: WindowStats, elapsedMs: number) =>
      `t=${(elapsedMs / 1000).toFixed(0)}s users=${w.users} req/s=${(w.requests / (plan.windowMs / 1000)).toFixed(1)} avg=${w.avgMs.toFixed(1)}ms ` +
      `p99=${w.p99Ms.toFixed(0)}ms 5xx=${w.errors5xx} timeouts=${w.timeouts} 4xx=${w.errors4xx} server CPU=${(w.serverCpu * 100).toFixed(0)}% ` +
      `generator CPU=${(w.generatorCpu * 100).toFixed(0)}% server RSS=${w.serverRssMb.toFixed(0)}MB load=${os.loadavg()[0]?.toFixed(2)} ` +
      (w.broken.length ? `BROKE: ${w.broken.join(", ")}` : "held");

    const windows: WindowStats[] = [];
    const idle: LoadTestReport["idle"] = [];
    const started = Date.now();
    if (options.mode === "idle") {
      for (const count of idleCounts) {
        // Idle users: start-up and a WebSocket, then nothing (the wait is set past the run).
        await setUsers(count, 1_000);
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        const window = await measureWindow(plan.windowMs);
        windows.push(window);
        idle.push({ users: count, rssMb: window.serverRssMb });
        print(`${windowLine(window, Date.now() - started)} (idle)`);
      }
    } else {
      let step = plan.step;
      await setUsers(plan.startUsers, plan.windowMs / 2);
      const history: Array<{ at: number; users: number }> = [];
      while (Date.now() - started < plan.maxMs) {
        const window = await measureWindow(plan.windowMs);
        windows.push(window);
        print(windowLine(window, Date.now() - started));
        history.push({ at: Date.now(), users });
        const recent = history.filter((h) => h.at >= Date.now() - plan.flatMs);
        const span = Math.max(...recent.map((h) => h.users)) - Math.min(...recent.map((h) => h.users));
        // Flat: over the last flatMs the count moved by one step at most (at the ceiling it goes up and down by minStep).
        if (span <= plan.minStep && history[0] && history[0].at <= Date.now() - plan.flatMs) break;
        if (window.broken.length === 0) {
          if (users < plan.maxUsers) await setUsers(users + step, plan.windowMs / 2);
        } else {
          step = Math.max(plan.minStep, Math.floor(step / 2));
          await setUsers(Math.max(plan.minStep, users - step), 0);
        }
      }
    }
    const lastSamples = await Promise.all(threads.map((t) => t.ask<WorkerSample>({ type: "finish" })));
    absorb(lastSamples);
    const held = windows.filter((w) => w.broken.length === 0 && w.users > 0);
    const atSupported = held.reduce<WindowStats | null>((best, w) => (!best || w.users > best.users ? w : best), null);
    const last = windows[windows.length - 1];
    const memoryPerUserKb = last && last.users ? ((last.serverRssMb - baselineRssMb) * 1024) / last.users : 0;
    return {
      settings,
      begun: totals.begun,
      done: totals.done,
      requests: totals.requests,
      errors5xx: totals.errors5xx,
      timeouts: totals.timeouts,
      errors4xx: totals.errors4xx,
      crashes: totals.crashes,
      failures: totals.failures,
      framesReceived: totals.frames,
      windows,
      supportedUsers: atSupported?.users ?? 0,
      atSupported,
      memoryPerUserKb,
      idle,
      baselineRssMb,
    };
  } finally {
    await Promise.all(threads.map((t) => t.stop()));
    await Promise.all(processes.map((p) => p.close()));
    tmp.remove();
    if (databaseUrl && pgSchema) await dropPgSchema(databaseUrl, pgSchema).catch(() => {});
  }
}

/** Every kind the generator counts: the weighted actions, the incident actions, start-ups and status polls. */
export const COUNTED_KINDS: string[] = [...Object.keys(ACTION_WEIGHTS), ...Object.keys(INCIDENT_ACTION_WEIGHTS), ...OTHER_COUNTED];

/** The verdict, as printed at the end of a run. */
export function verdictLines(report: LoadTestReport): string[] {
  const counted = COUNTED_KINDS.map((k) => `${k} ${report.done[k] ?? 0}/${report.begun[k] ?? 0}`).join(", ");
  const at = report.atSupported;
  const lines = [
    `actions done/begun: ${counted}`,
    `requests ${report.requests}, 5xx ${report.errors5xx}, timeouts ${report.timeouts}, 4xx ${report.errors4xx}, generator crashes ${report.crashes}, WebSocket frames received ${report.framesReceived}`,
    ...report.failures.slice(0, 10).map((f) => `  failure: ${f}`),
  ];
  if (report.idle.length)
    lines.push(
      `idle memory: baseline ${report.baselineRssMb.toFixed(0)} MB; ` +
        report.idle
          .map((i, n) => {
            const before = report.idle[n - 1];
            const marginal = before
              ? `, ${(((i.rssMb - before.rssMb) * 1024) / (i.users - before.users)).toFixed(1)} KB per user added`
              : "";
            return `${i.users} users ${i.rssMb.toFixed(0)} MB (${(((i.rssMb - report.baselineRssMb) * 1024) / i.users).toFixed(1)} KB/user over the baseline${marginal})`;
          })
          .join("; "),
    );
  else
    lines.push(
      at
        ? `VERDICT supported users ${report.supportedUsers}: avg ${at.avgMs.toFixed(1)} ms, p99 ${at.p99Ms.toFixed(0)} ms, errors ${(at.errorShare * 100).toFixed(3)} %, ` +
            `server CPU ${(at.serverCpu * 100).toFixed(0)} % of ${os.availableParallelism()} cores (max 5 s sample), generator CPU ${(at.generatorCpu * 100).toFixed(0)} %, ` +
            `server RSS ${at.serverRssMb.toFixed(0)} MB, memory per connected user ${report.memoryPerUserKb.toFixed(1)} KB`
        : "VERDICT no window held every threshold",
    );
  return lines;
}
