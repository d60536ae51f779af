/**
 * @module text-match.cases
 * The golden cases of the keyword rule and of the text of a post
 * (`text-match.ts`). One table, run by a test against each place that applies
 * the rule: message forwarding (its automaton and rule index,
 * plugins/incident/server/forwarding/text-match-golden.test.ts), the
 * `message_posted` trigger (server/automation/text-match-golden.test.ts) and
 * the offline dry run (plugins/workflow/common/text-match-golden.test.ts).
 * A new case added here is checked in all three.
 */
import type { PostTextSource } from "./text-match.ts";

/** Does a rule with `keywords: [keyword]` take this post? */
export interface KeywordCase {
  /** What the case shows. */
  name: string;
  post: PostTextSource;
  keyword: string;
  matches: boolean;
}

/** The text of a post, as every rule reads it. */
export interface PostTextCase {
  name: string;
  post: PostTextSource;
  text: string;
}

const message = (text: string): PostTextSource => ({ message: text, props: {} });
const attachments = (...list: unknown[]): PostTextSource => ({ message: "", props: { attachments: list } });

/** An alert as Alertmanager posts it: everything in an attachment, with a field whose value is an object. */
const alert = attachments({
  title: "[FIRING:1] HighLatency",
  text: "p99 above 2s",
  fields: [
    { title: "severity", value: "critical" },
    { title: "labels", value: { instance: "db-prod" } },
  ],
});

/** The keyword rule, case by case. */
export const KEYWORD_CASES: readonly KeywordCase[] = [
  { name: "a word of the message", post: message("db-prod is down"), keyword: "db-prod", matches: true },
  { name: "any case in the text", post: message("Latency on DB-PROD"), keyword: "db-prod", matches: true },
  { name: "any case in the keyword", post: message("sev1: db down"), keyword: "SEV1", matches: true },
  { name: "a longer word is not the keyword", post: message("SEV10"), keyword: "SEV1", matches: false },
  { name: "a suffix of letters refuses", post: message("db-production is down"), keyword: "db-prod", matches: false },
  { name: "a digit before refuses", post: message("2db-prod"), keyword: "db-prod", matches: false },
  { name: "an underscore before refuses", post: message("my_db-prod"), keyword: "db-prod", matches: false },
  { name: "an underscore after refuses", post: message("db-prod_2 down"), keyword: "db-prod", matches: false },
  { name: "parentheses are boundaries", post: message("(db-prod)"), keyword: "db-prod", matches: true },
  { name: "a full stop is a boundary", post: message("down: db-prod."), keyword: "db-prod", matches: true },
  { name: "a hyphen is a boundary", post: message("api-db-prod"), keyword: "db-prod", matches: true },
  { name: "a newline is a boundary", post: message("alert\ndb-prod"), keyword: "db-prod", matches: true },
  { name: "a later whole occurrence counts", post: message("db-production, then db-prod"), keyword: "db-prod", matches: true },
  { name: "punctuation inside the keyword", post: message("a.b+c"), keyword: "b+c", matches: true },
  { name: "a keyword is trimmed", post: message("db-prod is down"), keyword: "  db-prod ", matches: true },
  { name: "accented letters are letters", post: message("écafé"), keyword: "café", matches: false },
  { name: "an accented keyword", post: message("café down"), keyword: "café", matches: true },
  { name: "unicode case", post: message("ÜBER alles"), keyword: "über", matches: true },
  { name: "cyrillic words", post: message("СБОЙ базы"), keyword: "сбой", matches: true },
  { name: "cyrillic letters refuse", post: message("сбойный"), keyword: "сбой", matches: false },
  { name: "letters beyond the BMP refuse", post: message("𝐀db-prod"), keyword: "db-prod", matches: false },
  { name: "an emoji is a boundary", post: message("🔥db-prod🔥"), keyword: "db-prod", matches: true },
  { name: "an attachment field as title: value", post: alert, keyword: "severity: critical", matches: true },
  { name: "an attachment field's value", post: alert, keyword: "critical", matches: true },
  { name: "an attachment's title", post: alert, keyword: "HighLatency", matches: true },
  { name: "a field whose value is an object keeps its title", post: alert, keyword: "labels", matches: true },
  { name: "a field whose value is an object is no text", post: alert, keyword: "object", matches: false },
  {
    name: "parts of a post never run together",
    post: { message: "db", props: { attachments: [{ title: "prod" }] } },
    keyword: "db prod",
    matches: false,
  },
];

/** The text of a post, case by case. */
export const POST_TEXT_CASES: readonly PostTextCase[] = [
  { name: "a message alone", post: message("db-prod down"), text: "db-prod down" },
  {
    name: "an alert: fields as title: value, an object value left out",
    post: alert,
    text: "[FIRING:1] HighLatency\np99 above 2s\nseverity: critical\nlabels",
  },
  {
    name: "message, then pretext, title, text, fallback, then fields",
    post: {
      message: "alert",
      props: { attachments: [{ fields: [{ title: "sev", value: 1 }], fallback: "fb", text: "body", title: "T", pretext: "pre" }] },
    },
    text: "alert\npre\nT\nbody\nfb\nsev: 1",
  },
  { name: "not an attachment: left out", post: attachments("junk", null, ["x"], { title: "ok" }), text: "ok" },
  { name: "a field with no title", post: attachments({ fields: [{ value: true }, { title: "", value: "" }] }), text: "true" },
];
