#!/usr/bin/env node
// `npm test`: the whole suite. First the gate — the type check, the linter
// (typed rules and import boundaries) and the formatter check, each counted as
// a failure when it finds anything; then the server suite on SQLite, then on
// PostgreSQL when TEST_DATABASE_URL answers; then the browser tests. It prints
// which parts ran, never skips one silently, and ends with "N passed, N failed".
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

function vitest(label, args, env) {
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
  const p = report?.numPassedTests ?? 0;
  const f = (report?.numFailedTests ?? 0) + (result.status !== 0 && !report?.numFailedTests ? 1 : 0);
  passed += p;
  failed += f;
  parts.push(`${label}: ${p} passed, ${f} failed`);
  if (result.status !== 0) parts.push(...failures(report));
  return result.status === 0;
}

/** What failed in a vitest JSON report, a line each, so the summary at the end of a long log names it. */
function failures(report) {
  if (!report) return ["  (no report: the run crashed before writing it)"];
  const lines = [];
  for (const file of report.testResults ?? []) {
    const where = path.relative(root, file.name);
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const test of failedTests) lines.push(`  FAILED ${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    if (file.status === "failed" && failedTests.length === 0) lines.push(`  FAILED ${where}: ${firstLine(file.message)}`);
  }
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

ok = vitest("server on sqlite", only, { SITREP_TEST_DIALECT: "sqlite" }) && ok;

if (await postgresAnswers()) {
  ok = vitest("server on postgres", only, { SITREP_TEST_DIALECT: "postgres", TEST_DATABASE_URL: databaseUrl }) && ok;
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
      ok = vitest("browser (e2e)", ["--config", "e2e/vitest.config.ts"], { CHROMIUM_PATH: chromium }) && ok;
    }
  }
}

console.log("\n=== summary ===");
for (const line of parts) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
