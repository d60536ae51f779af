/**
 * @module limits
 * Limits shared by the server, the web app and the plugins, defined once.
 */
import { z } from "zod";

export const LIMITS = {
  usernameMin: 3,
  usernameMax: 22,
  passwordMin: 8,
  passwordMax: 128,
  nameMin: 2,
  nameMax: 64,
  displayNameMax: 64,
  postMessageMax: 16383,
  perPageMax: 200,
  perPageDefault: 60,
} as const;

/** Team names that collide with top-level web routes. */
export const RESERVED_TEAM_NAMES = ["api", "plugins", "hooks", "login", "signup", "admin_console", "static", "pl"];

/** Channel and team names: lowercase letters, digits, `-` and `_`, 2–64 characters. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

export const nameSchema = z
  .string()
  .min(LIMITS.nameMin, `must be ${LIMITS.nameMin} to ${LIMITS.nameMax} characters`)
  .max(LIMITS.nameMax, `must be ${LIMITS.nameMin} to ${LIMITS.nameMax} characters`)
  .regex(NAME_PATTERN, "may contain only lowercase letters, digits, '-' and '_', and must start with a letter or digit");

export const usernameSchema = z
  .string()
  .min(LIMITS.usernameMin, `must be ${LIMITS.usernameMin} to ${LIMITS.usernameMax} characters`)
  .max(LIMITS.usernameMax, `must be ${LIMITS.usernameMin} to ${LIMITS.usernameMax} characters`)
  .regex(/^[a-z][a-z0-9._-]*$/, "must start with a lowercase letter and contain only lowercase letters, digits, '.', '-' and '_'");

/**
 * Makes a valid channel name from free text ("DB down!" → "db-down").
 * @example slugify("Payments API down") // "payments-api-down"
 */
export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "")
    .slice(0, LIMITS.nameMax)
    .replace(/[-_]+$/g, "");
  return slug.length >= LIMITS.nameMin ? slug : `${slug || "x"}-1`.slice(0, LIMITS.nameMax);
}

/** How {@link pageQuerySchema} phrases a refused paging value (the defaults suit most lists). */
export interface PageMessages {
  /** Not a number (`page=abc`). */
  notNumber?: string;
  /** Not a whole number (`per_page=1.5`). */
  notWhole?: string;
  /** `page` below 0. */
  pageMin?: string;
  /** `per_page` below 1. */
  perPageMin?: string;
  /** `per_page` above {@link LIMITS.perPageMax}. */
  perPageMax?: string;
}

/**
 * The one paging query: `page` from 0 and `per_page` from 1 to
 * {@link LIMITS.perPageMax}, both from query strings (coerced), with defaults.
 * Extend it for a list's own filters.
 * @example pageQuerySchema().extend({ in_team: z.string().optional() })
 * @example pageQuerySchema({ perPageDefault: 50, messages: { perPageMin: "must be 1 to 200", perPageMax: "must be 1 to 200" } })
 */
export function pageQuerySchema(props: { perPageDefault?: number; messages?: PageMessages } = {}) {
  const messages = props.messages ?? {};
  const whole = () =>
    z.coerce.number({ error: messages.notNumber ?? "must be a number" }).int(messages.notWhole ?? "must be a whole number");
  return z.object({
    page: whole()
      .min(0, messages.pageMin ?? "must be 0 or more")
      .default(0),
    per_page: whole()
      .min(1, messages.perPageMin ?? "must be at least 1")
      .max(LIMITS.perPageMax, messages.perPageMax ?? `must be at most ${LIMITS.perPageMax}`)
      .default(props.perPageDefault ?? LIMITS.perPageDefault),
  });
}

/**
 * A `true`/`false` query parameter as Mattermost's clients send one
 * (`collapsedThreads=true`), read as a boolean; absent is false.
 */
export function queryFlagSchema() {
  return z
    .enum(["true", "false"], "must be true or false")
    .optional()
    .transform((value) => value === "true");
}
