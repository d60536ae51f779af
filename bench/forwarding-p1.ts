/**
 * @module bench/forwarding-p1
 * P1: message forwarding must not slow the post path. Posts per second
 * through the real post path (HTTP `POST /api/v4/posts` on a real server with
 * the Incident plugin installed) with 0, 1,000 and 10,000 active forwarding
 * rules, each printed as a ratio to the 0-rule run of the same process.
 * Target: ≥ 0.9 at 10,000 rules. One server per rule count, all in this
 * process, each with the Incident plugin installed and enabled the same way,
 * timed in 41 cycles of one short round per server (order rotating from cycle
 * to cycle) after 2 warm-up rounds each. The ratio is the median over the
 * cycles of each server's posts/s over the 0-rule server's in the same cycle,
 * printed with its quartiles, the machine's load average, and the server
 * thread's CPU time per post (which waiting for a busy core does not inflate).
 * `--incidents-without-rules` adds a server with the 1,000 incidents but no
 * rules: what merely having them costs.
 *
 * `onMessagePosted` hooks run after the post is answered, so a throughput
 * measured on HTTP answers alone would hide the matching. Each timed run
 * ends only when every answer has arrived AND the host's hooks are idle
 * (every match finished, every forwarded copy stored): the figure is
 * posts/s including the matching and the copies.
 *
 * Also a unit benchmark of the matcher alone (rule index + automaton, no
 * HTTP, no database): matches per second at 0, 1,000 and 10,000 rules.
 *
 * The workload: 10 rules per incident from one playbook (100 incidents for
 * 1,000 rules, 1,000 for 10,000), rendered from fields that make each
 * incident's keywords its own: a service name, a hostname, an error code, a
 * customer, a region; sources are named channels and "*". Posts look like
 * chat and alert traffic (deploys, HTTP logs, pages); about 2% mention an
 * active incident's service or host, and are forwarded.
 *
 * Run alone with `npx tsx bench/forwarding-p1.ts [--quick]`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { buildPlugin } from "../scripts/build-plugin.mjs";
import { FORWARDED_POST_TYPE } from "../plugins/incident/common/forwarded-post.ts";
import { parsePlaybook, type ForwardingRule } from "../plugins/incident/common/playbook.ts";
import { incidentTemplateValues, renderForwardingRules } from "../plugins/incident/common/templates.ts";
import { ForwardingRuleIndex, type MatchLookups, type SourceChannel } from "../plugins/incident/server/forwarding/rule-index.ts";
import { channelCreator, channelMemberAdder } from "../server/services/channels.ts";
import { BenchWorker, itemAt, median, now, seedWorkspace, startBenchServer, tmpDir, type BenchCase } from "./support.ts";

/** Channels of the workload; every one public. */
export const CHANNELS = ["alerts", "support", "deploys", "general", "random"] as const;

/** The playbook every benchmark incident starts from: 10 forwarding rules. */
export function benchPlaybook(team: string): string {
  return `name: Bench outage
team: ${team}
description: Forwarding benchmark.
fields:
  service: {required: true}
  host: {required: true}
  code: {required: true}
  customer: {required: true}
  region: {required: true}
forwarding:
  - from: [alerts]
    keywords: ["{{fields.service}}"]
  - from: [alerts, support]
    keywords: ["{{fields.host}}"]
  - from: "*"
    keywords: ["{{fields.code}}"]
  - from: [alerts]
    keywords: ["{{fields.service}}", critical]
    match: all
  - from: [deploys]
    keywords: ["{{fields.service}}"]
    exclude_keywords: [dry-run]
  - from: [alerts]
    keywords: ["{{fields.host}}"]
    authors: [alertmanager]
  - from: [support]
    keywords: ["{{fields.customer}}"]
  - from: "*"
    keywords: ["{{fields.service}}-canary"]
  - from: [alerts]
    keywords: ["{{fields.region}}-{{fields.service}}"]
  - from: [alerts]
    keywords: ["{{fields.service}}"]
    regex: "ERR-[0-9]{4}"
    match: all
`;
}

const WORDS = [
  "checkout",
  "payments",
  "orders",
  "search",
  "auth",
  "billing",
  "ledger",
  "catalog",
  "inventory",
  "shipping",
  "gateway",
  "profile",
  "notify",
  "media",
  "pricing",
  "reviews",
];
const REGIONS = ["eu-west-1", "us-east-1", "ap-south-1", "eu-central-1"];

/** The fields of benchmark incident `i`: keywords no other incident has. */
export function incidentFields(i: number): Record<string, string> {
  const service = `${itemAt(WORDS, i % WORDS.length)}-svc${i}`;
  return {
    service,
    host: `db-${i}.prod.internal`,
    code: `ERR-${10000 + i}`,
    customer: `acme${i}`,
    region: itemAt(REGIONS, i % REGIONS.length),
  };
}

/** A deterministic pseudo-random source, so every run posts the same traffic. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Post `n` of the workload: mostly traffic that matches nothing (it does use
 * words close to the keywords: services without the incident suffix, other
 * hosts), and with probability `matchRate` a mention of active incident
 * `random(incidents)`'s service or host.
 */
export function workloadPost(
  random: () => number,
  props: { incidents: number; matchRate: number },
): { channel: (typeof CHANNELS)[number]; message: string } {
  const channel = itemAt(CHANNELS, Math.floor(random() * CHANNELS.length));
  const word = itemAt(WORDS, Math.floor(random() * WORDS.length));
  const n = Math.floor(random() * 100000);
  const templates = [
    `GET /api/v1/${word}/${n} 200 in ${n % 900}ms from web-${n % 40}`,
    `deploy of ${word}-web #${n} finished in ${n % 300}s (canary 5%, no errors)`,
    `[FIRING:1] HighLatency ${word} p99=${n % 2000}ms instance=10.0.${n % 255}.${n % 200}:9100 severity=${n % 3 === 0 ? "critical" : "warning"}`,
    `anyone seen ${word} being slow? customer ticket #${n} says checkout hangs for a few seconds`,
    `heads up: maintenance on cache-${n % 12}.prod.internal tonight 22:00 UTC, expect ${word} cache misses`,
    `merged PR #${n}: ${word}: retry idempotent writes on timeout`,
  ];
  let message = itemAt(templates, Math.floor(random() * templates.length));
  if (props.incidents > 0 && random() < props.matchRate) {
    const fields = incidentFields(Math.floor(random() * props.incidents));
    message += random() < 0.5 ? ` — ${fields.service} errors rising` : ` on ${fields.host}`;
  }
  return { channel, message };
}

/** The rules of `incidents` benchmark incidents, rendered as the plugin renders them at start. */
export function benchRules(incidents: number): ForwardingRule[][] {
  const parsed = parsePlaybook(benchPlaybook("bench"));
  if (!parsed.ok) throw new Error(`bench playbook: ${JSON.stringify(parsed.problems)}`);
  const out: ForwardingRule[][] = [];
  for (let i = 0; i < incidents; i++) {
    const values = incidentTemplateValues({
      name: `Bench ${i}`,
      createAt: Date.now(),
      seq: i + 1,
      commander: "bench",
      fields: incidentFields(i),
    });
    out.push(renderForwardingRules(parsed.spec.forwarding, values));
  }
  return out;
}

/** Matches per second of the rule index alone, at each rule count. */
export async function matcherBench(props: {
  ruleCounts: number[];
  posts: number;
}): Promise<Array<{ rules: number; matchesPerSecond: number; forwards: number; buildMs: number }>> {
  const team = "t".repeat(26);
  const channels = new Map<string, SourceChannel>(
    CHANNELS.map((name) => [name, { id: name, team_id: team, name, type: "O", delete_at: 0 }]),
  );
  const lookups: MatchLookups = { channel: async (id) => channels.get(id) ?? null, username: async () => "alertmanager" };
  const results = [];
  for (const ruleCount of props.ruleCounts) {
    const incidents = ruleCount / 10;
    const index = new ForwardingRuleIndex();
    const rules = benchRules(incidents);
    const buildStart = performance.now();
    rules.forEach((list, i) => index.upsertIncident({ incidentId: `inc${i}`, teamId: team, channelId: `inc${i}`, rules: list }));
    index.prepare();
    const buildMs = performance.now() - buildStart;
    const random = seededRandom(42);
    const posts = Array.from({ length: props.posts }, (_, i) => {
      const { channel, message } = workloadPost(random, { incidents, matchRate: 0.02 });
      return { id: `p${i}`, channel_id: channel, user_id: "u", message, props: {} };
    });
    // Warm up, then time.
    for (const post of posts.slice(0, 2000)) await index.match(post, lookups);
    let forwarded = 0;
    const start = performance.now();
    for (const post of posts) forwarded += (await index.match(post, lookups)).length;
    const seconds = (performance.now() - start) / 1000;
    results.push({ rules: ruleCount, matchesPerSecond: props.posts / seconds, forwards: forwarded, buildMs });
  }
  return results;
}

function format(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Print the matcher benchmark; returns its results. */
export async function runMatcherBench(props: { posts?: number } = {}): Promise<Awaited<ReturnType<typeof matcherBench>>> {
  const results = await matcherBench({ ruleCounts: [0, 1000, 10000], posts: props.posts ?? 50_000 });
  console.log(
    "P1 (unit) forwarding matcher alone: posts matched per second (index + automaton, no HTTP, no database; 0 rules is the hook's early return)",
  );
  for (const r of results) {
    console.log(
      `  ${String(r.rules).padStart(6)} rules: ${format(r.matchesPerSecond).padStart(10)} posts/s  ${(1e6 / r.matchesPerSecond).toFixed(2)} µs/post  (${r.forwards} forwards, index built in ${r.buildMs.toFixed(0)} ms)`,
    );
  }
  return results;
}

/** Settings of the HTTP run. */
export interface P1Options {
  ruleCounts: number[];
  /** Posts per timed round. */
  posts: number;
  /** Timed cycles; each cycle times every server once, in an order that rotates from cycle to cycle. */
  rounds: number;
  /** Untimed rounds per server before the timed ones (JIT, caches, SQLite pages). */
  warmupRounds: number;
  concurrency: number;
  matchRate: number;
  /**
   * Diagnostics: also time a server with the 10,000-rule workspace's 1,000
   * incidents started from a playbook without forwarding rules (what merely
   * having the incidents and their channels costs). Not part of the target.
   */
  incidentsWithoutRules: boolean;
}

const DEFAULTS: P1Options = {
  ruleCounts: [0, 1000, 10000],
  posts: 400,
  rounds: 41,
  warmupRounds: 2,
  concurrency: 8,
  matchRate: 0.02,
  incidentsWithoutRules: false,
};
const TARGET = 0.9;
const RULES_PER_INCIDENT = 10;

/** One server's figures. */
export interface P1Result {
  /** What the server holds, e.g. "10,000 rules". */
  label: string;
  rules: number;
  incidents: number;
  /** Median posts/s over the rounds, each timed from the first request to the moment the host's hooks are idle. */
  postsPerSecond: number;
  /** Quartiles of the rounds' posts/s. */
  postsPerSecondSpread: [number, number];
  /**
   * Median, over the cycles, of this server's posts/s divided by the 0-rule
   * server's in the same cycle (the two were timed seconds apart, so a change
   * of the machine's load between cycles cancels out).
   */
  ratio: number;
  /** Quartiles of the cycles' ratios. */
  ratioSpread: [number, number];
  /** Median posts/s counting only the HTTP answers (hides the matching: shown for comparison). */
  answeredPerSecond: number;
  /** CPU time of the server's thread per post, µs (Linux; null elsewhere): unlike posts/s, not inflated by waiting for a core. */
  cpuMicrosPerPost: number | null;
  /** Copies made during the timed rounds. */
  forwards: number;
  /** Median time the hooks still ran after the last answer. */
  hookTailMs: number;
}

/** What one run measured, with the machine's load average before and after. */
export interface P1Run {
  results: P1Result[];
  loadBefore: number[];
  loadAfter: number[];
}

/** One server of the run, with its rules active. */
export interface P1Target {
  label: string;
  rules: number;
  incidents: number;
  url: string;
  tokens: string[];
  channelIds: Map<string, string>;
  idle(): Promise<void>;
  forwardCount(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A real server with the Incident plugin (built by the real build script,
 * installed and enabled through the API, the same way for every server) and
 * `incidents` active incidents of 10 rules each, or of none with `rules: false`.
 */
export async function prepareTarget(props: { dir: string; bundle: Buffer; incidents: number; rules?: boolean }): Promise<P1Target> {
  const withRules = props.rules ?? true;
  const server = await startBenchServer(props.dir);
  try {
    const seeded = await seedWorkspace(server, 4);
    const admin = seeded.author;
    const teamId = seeded.channel.team_id;
    const team = await server.host.db.selectFrom("teams").select("name").where("id", "=", teamId).executeTakeFirstOrThrow();
    const channelIds = new Map<string, string>();
    for (const name of CHANNELS) {
      const channel = await channelCreator(server.host, {
        input: { team_id: teamId, name, display_name: name, type: "O" },
        creator: admin.user,
      });
      for (const member of seeded.members) await channelMemberAdder(server.host, { channelId: channel.id, userId: member.user.id });
      channelIds.set(name, channel.id);
    }
    const api = async (method: string, urlPath: string, body?: unknown, form?: FormData) => {
      const res = await fetch(`${server.url}${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${admin.token}`, ...(form || body === undefined ? {} : { "content-type": "application/json" }) },
        body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${urlPath}: ${res.status} ${text.slice(0, 300)}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };
    const form = new FormData();
    form.append("plugin", new Blob([new Uint8Array(props.bundle)], { type: "application/gzip" }), "incident.tar.gz");
    await api("POST", "/api/v4/plugins", undefined, form);
    await api("POST", "/api/v4/plugins/incident/enable");
    const source = withRules ? benchPlaybook(team.name) : benchPlaybook(team.name).replace(/\nforwarding:[\s\S]*$/, "\n");
    const playbook = await api("POST", "/plugins/incident/api/v1/playbooks", { team_id: teamId, source });
    for (let i = 0; i < props.incidents; i++) {
      await api("POST", "/plugins/incident/api/v1/incidents", {
        name: `Bench ${i}`,
        team_id: teamId,
        channel_name: `bench-${i}`,
        playbook_id: playbook.id,
        fields: incidentFields(i),
      });
    }
    await server.host.hooks.idle();
    const rules = withRules ? props.incidents * RULES_PER_INCIDENT : 0;
    return {
      label: withRules ? `${format(rules)} rules` : `0 rules, ${format(props.incidents)} incidents`,
      rules,
      incidents: props.incidents,
      url: `${server.url}/api/v4/posts`,
      tokens: seeded.members.map((m) => m.token),
      channelIds,
      idle: () => server.host.hooks.idle(),
      async forwardCount() {
        const row = await server.host.db
          .selectFrom("posts")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("type", "=", FORWARDED_POST_TYPE)
          .executeTakeFirst();
        return Number(row?.n ?? 0);
      },
      close: () => server.close(),
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/**
 * CPU time used so far by this process's main thread (where every server of
 * the run lives), in ms; null where `/proc` is not there. 10 ms resolution:
 * meaningful summed over many rounds.
 */
function mainThreadCpuMs(): number | null {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    // Fields after the command name: state is field 3, utime 14, stime 15 (clock ticks, 100 per second).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** The lower and upper quartiles. */
function quartiles(values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = (sorted.length - 1) * q;
    const low = Math.floor(pos);
    const lower = itemAt(sorted, low, "value for a quartile");
    return lower + (itemAt(sorted, Math.ceil(pos)) - lower) * (pos - low);
  };
  return [at(0.25), at(0.75)];
}

/**
 * Posts/s through the real post path at each rule count, in one run: one
 * server per rule count (each on its own SQLite file, all in this process),
 * timed in cycles that time every server once, in an order rotating from
 * cycle to cycle (no server always runs right after another), so that
 * whatever else the machine does weighs on every count alike; the load comes
 * from a worker thread. The first server is the 0-rule one the others are
 * compared to.
 */
export async function p1Http(options: Partial<P1Options> = {}): Promise<P1Run> {
  const o = { ...DEFAULTS, ...options };
  const tmp = tmpDir("p1");
  const playbooksDir = path.join(tmp.dir, "no-playbooks");
  fs.mkdirSync(playbooksDir);
  process.env.SITREP_PLAYBOOKS_DIR = playbooksDir;
  const worker = new BenchWorker("forwarding-load.mjs", null);
  const targets: P1Target[] = [];
  try {
    const bundle = fs.readFileSync(await buildPlugin({ dir: path.resolve(import.meta.dirname, "../plugins/incident"), outDir: tmp.dir }));
    for (const [i, rules] of o.ruleCounts.entries()) {
      targets.push(await prepareTarget({ dir: path.join(tmp.dir, `server-${i}`), bundle, incidents: rules / RULES_PER_INCIDENT }));
    }
    if (o.incidentsWithoutRules) {
      const incidents = Math.max(...o.ruleCounts) / RULES_PER_INCIDENT;
      targets.push(await prepareTarget({ dir: path.join(tmp.dir, "server-no-rules"), bundle, incidents, rules: false }));
    }

    const random = seededRandom(7);
    type Load = { startedAt: number; answeredAt: number; failed: number; firstFailure: string };
    type Round = { total: number; answered: number; tail: number; cpuMs: number | null };
    const round = async (target: P1Target, count: number): Promise<Round> => {
      const bodies = Array.from({ length: count }, () => {
        const { channel, message } = workloadPost(random, { incidents: target.incidents, matchRate: o.matchRate });
        return { channel_id: target.channelIds.get(channel), message };
      });
      const cpuBefore = mainThreadCpuMs();
      const result = await worker.ask<Load>({ type: "load", url: target.url, tokens: target.tokens, bodies, concurrency: o.concurrency });
      if (result.failed) throw new Error(`${result.failed} of ${count} posts failed; first: ${result.firstFailure}`);
      // onMessagePosted runs after the answer: the run ends when the hooks are idle.
      await target.idle();
      const idleAt = now();
      const cpuAfter = mainThreadCpuMs();
      return {
        total: (count / (idleAt - result.startedAt)) * 1000,
        answered: (count / (result.answeredAt - result.startedAt)) * 1000,
        tail: idleAt - result.answeredAt,
        cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
      };
    };

    for (let w = 0; w < o.warmupRounds; w++) for (const target of targets) await round(target, o.posts);
    const loadBefore = os.loadavg();
    const before = await Promise.all(targets.map((t) => t.forwardCount()));
    const rounds = targets.map(() => [] as Round[]);
    for (let r = 0; r < o.rounds; r++) {
      for (let k = 0; k < targets.length; k++) {
        const i = (r + k) % targets.length;
        itemAt(rounds, i).push(await round(itemAt(targets, i), o.posts));
      }
    }
    const after = await Promise.all(targets.map((t) => t.forwardCount()));
    const loadAfter = os.loadavg();
    const base = itemAt(rounds, 0, "0-rule server");
    const results = targets.map((target, i): P1Result => {
      const own = itemAt(rounds, i);
      const totals = own.map((r) => r.total);
      const ratios = own.map((r, cycle) => r.total / itemAt(base, cycle, "0-rule round").total);
      const cpu = own.every((r) => r.cpuMs !== null) ? own.reduce((sum, r) => sum + (r.cpuMs ?? 0), 0) : null;
      return {
        label: target.label,
        rules: target.rules,
        incidents: target.incidents,
        postsPerSecond: median(totals),
        postsPerSecondSpread: quartiles(totals),
        ratio: median(ratios),
        ratioSpread: quartiles(ratios),
        answeredPerSecond: median(own.map((r) => r.answered)),
        cpuMicrosPerPost: cpu === null ? null : (cpu * 1000) / (o.rounds * o.posts),
        forwards: itemAt(after, i) - itemAt(before, i),
        hookTailMs: median(own.map((r) => r.tail)),
      };
    });
    return { results, loadBefore, loadAfter };
  } finally {
    await worker.stop();
    for (const target of targets) await target.close();
    tmp.remove();
  }
}

function formatLoad(load: number[]): string {
  return load.map((n) => n.toFixed(2)).join(" ");
}

/** The one-line summary: each rule count's posts/s and its ratio to the 0-rule run. */
export function summarizeP1(run: P1Run): string {
  const [base, ...others] = run.results.filter((r) => r.rules > 0 || r.incidents === 0);
  if (!base) return "P1 forwarding: no 0-rule run";
  const parts = [
    `0 rules ${format(base.postsPerSecond)} posts/s`,
    ...others.map((r) => `${format(r.rules)} rules ${format(r.postsPerSecond)} posts/s (ratio ${r.ratio.toFixed(2)})`),
  ];
  return `P1 forwarding: ${parts.join("; ")} (target >= ${TARGET} at ${format(others[others.length - 1]?.rules ?? 0)})`;
}

/** Print P1's figures; returns the ratio at the largest rule count. */
export function printP1(run: P1Run): number {
  const { results } = run;
  const base = itemAt(results, 0, "0-rule run");
  console.log(
    "P1 forwarding: posts/s through HTTP POST /api/v4/posts with the Incident plugin, timed until the host's onMessagePosted hooks are idle (matching and copies included)",
  );
  console.log(
    `  ratio = median over the cycles of posts/s / the 0-rule server's posts/s in the same cycle; [quartiles]; load average ${formatLoad(run.loadBefore)} before, ${formatLoad(run.loadAfter)} after`,
  );
  for (const r of results) {
    const [low, high] = r.postsPerSecondSpread;
    const cpu =
      r.cpuMicrosPerPost === null
        ? ""
        : `, server CPU ${r.cpuMicrosPerPost.toFixed(0)} µs/post (${(r.cpuMicrosPerPost / (base.cpuMicrosPerPost ?? r.cpuMicrosPerPost)).toFixed(2)}x)`;
    console.log(
      `  ${r.label.padStart(24)}: ${format(r.postsPerSecond).padStart(6)} posts/s [${format(low)}–${format(high)}]  ratio ${r.ratio.toFixed(2)} [${r.ratioSpread[0].toFixed(2)}–${r.ratioSpread[1].toFixed(2)}]` +
        `  (answers alone ${format(r.answeredPerSecond)}/s, hooks ran ${r.hookTailMs.toFixed(0)} ms past the last answer, ${r.forwards} copies${cpu})`,
    );
  }
  return lastWithRules(run).ratio;
}

function lastWithRules(run: P1Run): P1Result {
  const withRules = run.results.filter((r) => r.rules > 0);
  return withRules[withRules.length - 1] ?? itemAt(run.results, 0, "P1 run");
}

/** The P1 case for `bench/index.ts`. */
export const p1Forwarding: BenchCase = {
  id: "P1",
  title: "forwarding rules vs none on the post path",
  async run() {
    const matcher = await runMatcherBench();
    const run = await p1Http();
    const ratio = printP1(run);
    const last = lastWithRules(run);
    // The machine's noise can exceed the matching's cost: also show that cost as a share of a post's time.
    const share = last.postsPerSecond / itemAt(matcher, matcher.length - 1, "matcher run").matchesPerSecond;
    return {
      ratio,
      met: ratio >= TARGET,
      line:
        `${summarizeP1(run)}; ratio quartiles ${last.ratioSpread.map((n) => n.toFixed(2)).join("–")}, load average ${formatLoad(run.loadAfter)} ` +
        `(timed until hooks are idle; matching alone is ${(share * 100).toFixed(2)}% of a post's time at ${format(last.rules)} rules)`,
    };
  },
};

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  const quick = process.argv.includes("--quick");
  await runMatcherBench({ posts: quick ? 10_000 : 50_000 });
  const options: Partial<P1Options> = quick ? { posts: 250, rounds: 6, warmupRounds: 1 } : {};
  const run = await p1Http({ ...options, incidentsWithoutRules: process.argv.includes("--incidents-without-rules") });
  printP1(run);
  console.log(summarizeP1(run));
}
