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

/**
 * A paging value as Mattermost reads it (`strconv.Atoi` of the first value
 * given): a whole number written in digits, or `undefined` for anything else
 * (absent, empty, `abc`, `1.5`, `1e20`). Numbers in a JSON body count as given.
 */
function pagingNumber(value: unknown): number | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === "number") return Number.isSafeInteger(first) ? first : undefined;
  if (typeof first !== "string" || !/^[+-]?\d{1,16}$/.test(first)) return undefined;
  return Number(first);
}

/**
 * The one paging query, read as Mattermost reads it — never refused: `page`
 * from 0 (a bad or negative page is 0), `per_page` from 1 to
 * {@link LIMITS.perPageMax} (more is clamped to the maximum; a bad, zero or
 * negative one is the default). Extend it for a list's own filters.
 * @example pageQuerySchema().extend({ in_team: z.string().optional() })
 * @example pageQuerySchema({ perPageDefault: 50 }).parse({ page: "-1", per_page: "500" }) // { page: 0, per_page: 200 }
 */
export function pageQuerySchema(props: { perPageDefault?: number } = {}) {
  const perPageDefault = props.perPageDefault ?? LIMITS.perPageDefault;
  return z.object({
    // Optional and of any type on the way in (a bad value reads as the default, never a 400), a number out.
    page: z
      .unknown()
      .optional()
      .describe("The page, from 0; anything else reads as 0")
      .transform((value) => Math.max(0, pagingNumber(value) ?? 0)),
    per_page: z
      .unknown()
      .optional()
      .describe(`Items per page, at most ${LIMITS.perPageMax}; anything else reads as the default`)
      .transform((value) => {
        const perPage = pagingNumber(value);
        return perPage === undefined || perPage < 1 ? perPageDefault : Math.min(perPage, LIMITS.perPageMax);
      }),
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
