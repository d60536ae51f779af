/**
 * @module bench
 * `npm run bench` runs every case; `npm run bench -- P2` runs the named ones
 * (in any case: `npm run bench -- durability`).
 * Each case measures Sitrep and its baseline in the same run and prints the
 * ratio; the process exits 1 when a case misses its target. Add a case by
 * appending it to `cases`.
 */
import { benchSettingsLine, type BenchCase } from "./support.ts";
import { p1Forwarding } from "./forwarding-p1.ts";
import { p2mPostPathMix, p2PostPath } from "./p2-post-path.ts";
import { p3Fanout } from "./p3-fanout.ts";
import { p4IncidentStart } from "./p4-incident-start.ts";
import { p5IncidentLists } from "./p5-incident-lists.ts";
import { p7Search } from "./p7-search.ts";
import { p8AlertIntake } from "./p8-alert-intake.ts";
import { a1SignIn } from "./a1-sign-in.ts";
import { durability } from "./durability.ts";
import { hardening } from "./hardening.ts";
import { busBurst } from "./bus.ts";

export const cases: BenchCase[] = [
  p1Forwarding,
  p2PostPath,
  p2mPostPathMix,
  p3Fanout,
  p4IncidentStart,
  p5IncidentLists,
  p7Search,
  p8AlertIntake,
  a1SignIn,
  durability,
  hardening,
  busBurst,
];

async function main(argv: string[]): Promise<number> {
  const wanted = argv.map((a) => a.toUpperCase());
  const unknown = wanted.filter((id) => !cases.some((c) => c.id === id));
  if (unknown.length) {
    console.error(`unknown case ${unknown.join(", ")}; cases: ${cases.map((c) => c.id).join(", ")}`);
    return 2;
  }
  const selected = wanted.length ? cases.filter((c) => wanted.includes(c.id)) : cases;
  let missed = 0;
  console.log(`settings: ${benchSettingsLine()}`);
  for (const benchCase of selected) {
    console.log(`running ${benchCase.id}: ${benchCase.title} ...`);
    const started = Date.now();
    const outcome = await benchCase.run();
    console.log(`${outcome.line}${outcome.met ? "" : "  << MISSED"}  [${((Date.now() - started) / 1000).toFixed(1)}s]`);
    if (!outcome.met) missed++;
  }
  return missed ? 1 : 0;
}

process.exit(await main(process.argv.slice(2)));
