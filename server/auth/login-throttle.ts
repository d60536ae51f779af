/**
 * @module auth/login-throttle
 * Sign-in throttling per address and per login id, shared by every process:
 * each key's budget is one row of `login_throttle`, taken and given back by
 * single atomic statements, so two processes on one PostgreSQL (or one
 * process on SQLite, across restarts) count the same attempts.
 *
 * The budget is GCRA, as Mattermost's rate limiter (throttled) has it: a rate
 * of `n` per minute spaces attempts `60 s / n` apart and lets a burst of `n`
 * through; the row holds the key's theoretical arrival time (`tat`), and an
 * attempt is allowed while taking it leaves `tat` at most a minute ahead.
 *
 * Every attempt takes from the budgets before the password is checked (so
 * parallel guesses cannot all slip through before the first failure is
 * counted); a successful sign-in gives the address's back and clears the
 * login id's, so only failures use them up. An unknown login id is keyed like
 * a known one: the throttle tells nothing about which accounts exist.
 */
import { isIP } from "node:net";
import { sql, type Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/schema.ts";
import { TooManyRequestsError } from "../errors.ts";

/** The window a rate is counted over: settings are per minute. */
const WINDOW_MS = 60_000;

/** What the throttle uses of the host. */
export interface ThrottleDeps {
  db: Kysely<Database>;
  clock: Clock;
}

/** A key's budget: its rate per minute (a burst of as many). */
interface Budget {
  key: string;
  perMinute: number;
}

/** The spacing of attempts at a rate, in whole milliseconds (the column holds integers). */
function spacing(perMinute: number): number {
  return Math.ceil(WINDOW_MS / perMinute);
}

/** Either the attempt may go on, or the key is spent for `retryAfterMs`. */
export type Taken = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Take one attempt from a key's budget, atomically: the row's `tat` moves one
 * spacing on only if that keeps it within the window.
 */
export async function attemptTaker(deps: ThrottleDeps, budget: Budget): Promise<Taken> {
  const now = deps.clock.now();
  const step = spacing(budget.perMinute);
  const window = step * budget.perMinute;
  // CASE rather than GREATEST/MAX, which the two dialects spell differently.
  const next = sql<number>`(CASE WHEN login_throttle.tat > ${now} THEN login_throttle.tat ELSE ${now} END) + ${step}`;
  const taken = await deps.db
    .insertInto("login_throttle")
    .values({ key: budget.key, tat: now + step })
    .onConflict((oc) =>
      oc
        .column("key")
        .doUpdateSet({ tat: next })
        .where(sql<boolean>`${next} - ${now} <= ${window}`),
    )
    .returning("tat")
    .executeTakeFirst();
  if (taken) return { ok: true };
  const row = await deps.db.selectFrom("login_throttle").select("tat").where("key", "=", budget.key).executeTakeFirst();
  const tat = Math.max(row?.tat ?? now, now);
  return { ok: false, retryAfterMs: Math.max(1, tat + step - window - now) };
}

/** Give back one attempt taken from a key's budget (a sign-in that succeeded). */
export async function attemptReturner(deps: ThrottleDeps, budget: Budget): Promise<void> {
  await deps.db
    .updateTable("login_throttle")
    .set((eb) => ({ tat: eb("tat", "-", spacing(budget.perMinute)) }))
    .where("key", "=", budget.key)
    .execute();
}

/** Whether a key's budget has an attempt left, without taking it; otherwise how long until it has. */
export async function attemptAllowed(deps: ThrottleDeps, budget: Budget): Promise<Taken> {
  const now = deps.clock.now();
  const step = spacing(budget.perMinute);
  const row = await deps.db.selectFrom("login_throttle").select("tat").where("key", "=", budget.key).executeTakeFirst();
  const due = Math.max(row?.tat ?? now, now) + step - step * budget.perMinute - now;
  return due <= 0 ? { ok: true } : { ok: false, retryAfterMs: due };
}

/** Forget every key whose budget is whole again: such a row says nothing a missing one does not. */
export async function spentBudgetsSweeper(deps: ThrottleDeps): Promise<void> {
  await deps.db.deleteFrom("login_throttle").where("tat", "<", deps.clock.now()).execute();
}

/**
 * The throttle key of a client address: IPv4 addresses as they are (an
 * IPv4-mapped IPv6 address as its IPv4), IPv6 addresses by their /64, the
 * block one subscriber holds, so rotating through it gains nothing.
 * @example addressKey("2001:db8::1") // "address:2001:db8:0:0::/64"
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return `address:${mapped[1]}`;
  if (isIP(ip) !== 6) return `address:${ip}`;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = ip.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill("0"), ...tailGroups];
  return `address:${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** The throttle key of a login id, normalized as sign-in reads it. */
export function accountKey(loginId: string): string {
  return `account:${loginId.trim().toLowerCase()}`;
}

/** The 429 of a spent budget, with its `Retry-After`. */
export function tooManyAttempts(retryAfterMs: number): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new TooManyRequestsError({
    id: "api.user.check_user_login_attempts.too_many",
    message: `Too many failed attempts; try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
    retryAfterSeconds: seconds,
  });
}

/** A sign-in attempt that got through the throttle: say how it ended. */
export interface SignInAttempt {
  /** The password was right: give the address its attempt back and clear the login id's failures. */
  succeeded(): Promise<void>;
}

/**
 * Take a sign-in attempt from the address's and the login id's budgets, or
 * throw the 429. A login id that is spent gives the address its attempt back:
 * the attempt checked no password.
 */
export async function signInAttemptTaker(
  deps: ThrottleDeps & { config: Pick<Config, "loginRatePerAddress" | "loginRatePerAccount"> },
  props: { ip: string; loginId: string },
): Promise<SignInAttempt> {
  const address = deps.config.loginRatePerAddress > 0 ? { key: addressKey(props.ip), perMinute: deps.config.loginRatePerAddress } : null;
  const account =
    deps.config.loginRatePerAccount > 0 ? { key: accountKey(props.loginId), perMinute: deps.config.loginRatePerAccount } : null;
  if (address) {
    const taken = await attemptTaker(deps, address);
    if (!taken.ok) throw tooManyAttempts(taken.retryAfterMs);
  }
  if (account) {
    const taken = await attemptTaker(deps, account);
    if (!taken.ok) {
      if (address) await attemptReturner(deps, address);
      throw tooManyAttempts(taken.retryAfterMs);
    }
  }
  return {
    async succeeded() {
      if (address) await attemptReturner(deps, address);
      if (account) await deps.db.deleteFrom("login_throttle").where("key", "=", account.key).execute();
    },
  };
}

/**
 * For sign-ups: throw the 429 when the address has no attempt left, and
 * otherwise return how to count a failed one (a taken username or email), so
 * sign-up probes for existing accounts are held to the sign-in rate.
 */
export async function signUpAttemptChecker(
  deps: ThrottleDeps & { config: Pick<Config, "loginRatePerAddress"> },
  props: { ip: string },
): Promise<{ failed(): Promise<void> }> {
  if (deps.config.loginRatePerAddress <= 0) return { failed: async () => {} };
  const budget = { key: addressKey(props.ip), perMinute: deps.config.loginRatePerAddress };
  const allowed = await attemptAllowed(deps, budget);
  if (!allowed.ok) throw tooManyAttempts(allowed.retryAfterMs);
  return {
    async failed() {
      await attemptTaker(deps, budget);
    },
  };
}
