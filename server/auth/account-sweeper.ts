/**
 * @module auth/account-sweeper
 * Every minute, on each process: end the sessions that expired or went idle
 * (so their WebSockets close even when nobody uses them again), and forget
 * the sign-in budgets that are whole again. Both are idempotent, so processes
 * sweeping the same PostgreSQL at once do no harm.
 */
import type { Disposable } from "#plugin-api";
import type { Host } from "../host.ts";
import { spentBudgetsSweeper } from "./login-throttle.ts";
import { staleSessionsSweeper } from "./sessions.ts";

const SWEEP_INTERVAL_MS = 60_000;

/** Start sweeping on the host's clock; dispose to stop. */
export function accountSweeper(host: Pick<Host, "db" | "caches" | "config" | "clock" | "log">): Disposable {
  let running = false;
  return host.clock.setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await staleSessionsSweeper(host);
      await spentBudgetsSweeper(host);
    } catch (error) {
      host.log.warn("sweeping sessions and sign-in budgets failed", { error: error instanceof Error ? error.message : String(error) });
    } finally {
      running = false;
    }
  }, SWEEP_INTERVAL_MS);
}
