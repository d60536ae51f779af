#!/usr/bin/env node
// `npm test`: the whole suite. First the gate — the type check, the linter
// (typed rules and import boundaries) and the formatter check, each counted as
// a failure when it finds anything; then the server suite on SQLite, then on
// PostgreSQL when TEST_DATABASE_URL answers; then the browser tests. It prints
// which parts ran, never skips one silently, and ends with "N passed, N failed",
// naming every test that failed (or failed once and passed when its file ran again).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "..");
const ci = process.env.CI === "true" || process.env.CI === "1";
const databaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const only = process.argv.slice(2); // e.g. `npm test -- server/api` narrows the server suite
const tmp = path.join(root, ".tmp");
fs.mkdirSync(tmp, { recursive: true });

const parts = [];
let passed = 0;
let failed = 0;

function runVitest(label, args, env) {
  const out = path.join(tmp, `vitest-${label}.json`);
  fs.rmSync(out, { force: true });
  console.log(`\n=== ${label} ===`);
  const result = spawnSync("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...args], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  let report = null;
  try {
    report = JSON.parse(fs.readFileSync(out, "utf8"));
  } catch {
    /* the run crashed before writing */
  }
  return { ok: result.status === 0, report };
}

/**
 * One vitest run, counted. When tests fail (and the run did not crash), the files holding them run once more: a
 * test that passes then is reported as FLAKY by name in the summary — never hidden — and does not fail the run;
 * one that fails twice does.
 */
function vitest(label, { config = [], filters = [] }, env) {
  const first = runVitest(label, [...config, ...filters], env);
  const p = first.report?.numPassedTests ?? 0;
  const f = first.report?.numFailedTests ?? 0;
  const failedFiles = (first.report?.testResults ?? []).filter((file) => file.status === "failed").map((file) => file.name);
  if (first.ok || f === 0 || failedFiles.length === 0) {
    const counted = f + (!first.ok && f === 0 ? 1 : 0);
    passed += p;
    failed += counted;
    parts.push(`${label}: ${p} passed, ${counted} failed`);
    if (!first.ok) parts.push(...failures(first.report));
    return first.ok;
  }
  const again = runVitest(`${label} (rerun of failed files)`, [...config, ...failedFiles], env);
  const stillFailing = again.ok ? 0 : Math.max(again.report?.numFailedTests ?? 0, 1);
  const recovered = f - Math.min(stillFailing, f);
  passed += p + recovered;
  failed += stillFailing;
  parts.push(`${label}: ${p + recovered} passed, ${stillFailing} failed (${f} failed at first and ran again)`);
  const failedTwice = new Set(failedTests(again.report).map((t) => t.where));
  for (const t of failedTests(first.report)) {
    parts.push(`  ${again.ok || !failedTwice.has(t.where) ? "FLAKY" : "FAILED"} ${t.where}: ${t.why}`);
  }
  return again.ok;
}

/** The failed tests of a vitest JSON report, named by file and full name. */
function failedTests(report) {
  return (report?.testResults ?? []).flatMap((file) => {
    const where = path.relative(root, file.name);
    const tests = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    if (file.status === "failed" && tests.length === 0) return [{ where, why: firstLine(file.message) }];
    return tests.map((t) => ({ where: `${where} > ${t.fullName}`, why: firstLine(t.failureMessages?.[0]) }));
  });
}

/** What failed in a vitest JSON report, a line each, so the summary at the end of a long log names it. */
function failures(report) {
  if (!report) return ["  (no report: the run crashed before writing it)"];
  const lines = failedTests(report).map((t) => `  FAILED ${t.where}: ${t.why}`);
  if (lines.length === 0) lines.push("  (no test failed: an unhandled error or a crash failed the run; see the log above)");
  return lines;
}

function firstLine(text) {
  return (text ?? "").split("\n")[0].slice(0, 300);
}

async function postgresAnswers() {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** One check of the gate: a command that must exit 0. */
function gate(label, command, args) {
  console.log(`\n=== ${label} ===`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  const good = result.status === 0;
  if (good) passed += 1;
  else failed += 1;
  parts.push(`${label}: ${good ? "passed" : "FAILED"}`);
  return good;
}

let ok = true;
if (only.length === 0 || process.env.SITREP_GATE === "1") {
  ok = gate("type check (tsc --noEmit)", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]) && ok;
  ok = gate("lint (eslint)", "npx", ["eslint", "."]) && ok;
  ok = gate("format (prettier --check)", "npx", ["prettier", "--check", "--log-level=warn", "."]) && ok;
}

ok = vitest("server on sqlite", { filters: only }, { SITREP_TEST_DIALECT: "sqlite" }) && ok;

if (await postgresAnswers()) {
  ok = vitest("server on postgres", { filters: only }, { SITREP_TEST_DIALECT: "postgres", TEST_DATABASE_URL: databaseUrl }) && ok;
} else if (ci) {
  console.error(`PostgreSQL does not answer at ${databaseUrl}; CI requires the PostgreSQL run.`);
  parts.push("server on postgres: NOT RUN (PostgreSQL unreachable)");
  failed += 1;
  ok = false;
} else {
  console.warn(`\nPostgreSQL does not answer at ${databaseUrl}: the PostgreSQL run is SKIPPED (CI requires it).`);
  parts.push("server on postgres: SKIPPED (PostgreSQL unreachable)");
}

if (only.length === 0) {
  if (!fs.existsSync(chromium)) {
    console.error(`Browser tests need Chromium at ${chromium}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
    parts.push("browser (e2e): NOT RUN (no Chromium)");
    failed += 1;
    ok = false;
  } else {
    const build = spawnSync("node", ["scripts/build.mjs", "--if-stale"], { cwd: root, stdio: "inherit" });
    if (build.status !== 0) {
      parts.push("browser (e2e): NOT RUN (build failed)");
      failed += 1;
      ok = false;
    } else {
      ok = vitest("browser (e2e)", { config: ["--config", "e2e/vitest.config.ts"] }, { CHROMIUM_PATH: chromium }) && ok;
    }
  }
}

console.log("\n=== summary ===");
for (const line of parts) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
