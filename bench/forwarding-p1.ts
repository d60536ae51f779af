/**
 * @module bench/forwarding-p1
 * P1: message forwarding must not slow the post path. Posts per second
 * through the real post path (HTTP `POST /api/v4/posts` on a real server with
 * the Incident plugin installed) with 0, 1,000 and 10,000 active forwarding
 * rules, each printed as a ratio to the 0-rule run of the same process.
 * Target: ≥ 0.9 at 10,000 rules.
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
import { parsePlaybook, type ForwardingRule } from "../plugins/incident/common/playbook.ts";
import { forwardingTemplateValues, renderForwardingRules } from "../plugins/incident/server/forwarding/forwarder.ts";
import { ForwardingRuleIndex, type MatchLookups, type SourceChannel } from "../plugins/incident/server/forwarding/rule-index.ts";

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

const WORDS = ["checkout", "payments", "orders", "search", "auth", "billing", "ledger", "catalog", "inventory", "shipping", "gateway", "profile", "notify", "media", "pricing", "reviews"];
const REGIONS = ["eu-west-1", "us-east-1", "ap-south-1", "eu-central-1"];

/** The fields of benchmark incident `i`: keywords no other incident has. */
export function incidentFields(i: number): Record<string, string> {
  const service = `${WORDS[i % WORDS.length]}-svc${i}`;
  return {
    service,
    host: `db-${i}.prod.internal`,
    code: `ERR-${10000 + i}`,
    customer: `acme${i}`,
    region: REGIONS[i % REGIONS.length],
  };
}

/** A deterministic pseudo-random source, so every run posts the same traffic. */
export function seeded(seed: number): () => number {
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
export function workloadPost(random: () => number, props: { incidents: number; matchRate: number }): { channel: (typeof CHANNELS)[number]; message: string } {
  const channel = CHANNELS[Math.floor(random() * CHANNELS.length)];
  const word = WORDS[Math.floor(random() * WORDS.length)];
  const n = Math.floor(random() * 100000);
  const templates = [
    `GET /api/v1/${word}/${n} 200 in ${n % 900}ms from web-${n % 40}`,
    `deploy of ${word}-web #${n} finished in ${n % 300}s (canary 5%, no errors)`,
    `[FIRING:1] HighLatency ${word} p99=${n % 2000}ms instance=10.0.${n % 255}.${n % 200}:9100 severity=warning`,
    `anyone seen ${word} being slow? customer ticket #${n} says checkout hangs for a few seconds`,
    `heads up: maintenance on cache-${n % 12}.prod.internal tonight 22:00 UTC, expect ${word} cache misses`,
    `merged PR #${n}: ${word}: retry idempotent writes on timeout`,
  ];
  let message = templates[Math.floor(random() * templates.length)];
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
    const values = forwardingTemplateValues({ name: `Bench ${i}`, slug: `bench-${i}`, createAt: Date.now(), seq: i + 1, commander: "bench", fields: incidentFields(i) });
    out.push(renderForwardingRules(parsed.spec.forwarding, values));
  }
  return out;
}

/** Matches per second of the rule index alone, at each rule count. */
export async function matcherBench(props: { ruleCounts: number[]; posts: number }): Promise<Array<{ rules: number; matchesPerSecond: number; forwarded: number; buildMs: number }>> {
  const team = "t".repeat(26);
  const channels = new Map<string, SourceChannel>(CHANNELS.map((name) => [name, { id: name, team_id: team, name, type: "O", delete_at: 0 }]));
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
    const random = seeded(42);
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
    results.push({ rules: ruleCount, matchesPerSecond: props.posts / seconds, forwarded, buildMs });
  }
  return results;
}

function format(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Print the matcher benchmark. */
export async function runMatcherBench(props: { posts?: number } = {}): Promise<void> {
  const results = await matcherBench({ ruleCounts: [0, 1000, 10000], posts: props.posts ?? 50_000 });
  const base = results[0].matchesPerSecond;
  console.log("P1 (unit) forwarding matcher alone: posts matched per second (index + automaton, no HTTP, no database)");
  for (const r of results) {
    console.log(`  ${String(r.rules).padStart(6)} rules: ${format(r.matchesPerSecond).padStart(10)} posts/s  ratio ${(r.matchesPerSecond / base).toFixed(2)}  (${r.forwarded} forwards, index built in ${r.buildMs.toFixed(0)} ms)`);
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  void fs;
  void os;
  await runMatcherBench({ posts: process.argv.includes("--quick") ? 10_000 : 50_000 });
}
