/**
 * @module workflow/common/conditions
 * The `where` rules of the host's triggers, for offline dry runs
 * (`sitrep workflow test`). On a server the registry applies each trigger's own
 * rule; this one uses the same definitions (`#common/text-match.ts`):
 * `contains` is a case-insensitive substring test and `keywords` the
 * whole-word rule of message forwarding; other conditions must equal the
 * value of the same name.
 */
import { containsText, keywordList, keywordMatches } from "#common/text-match.ts";

const lower = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : "");

/** Each condition that does not hold, with why (empty when the event matches). */
export function unmetConditions(trigger: string, where: Record<string, unknown>, values: Record<string, unknown>): string[] {
  const unmet: string[] = [];
  for (const [key, want] of Object.entries(where)) {
    if (want === undefined || want === null) continue;
    if (trigger === "schedule" || (trigger === "slash_command" && key === "trigger")) continue;
    if (trigger === "message_posted" || trigger === "slash_command") {
      const text = typeof values.text === "string" && trigger === "message_posted" ? values.text : String(values.message ?? "");
      if (key === "channel") {
        if (lower(want).replace(/^~/, "") !== lower(values.channel_name))
          unmet.push(`channel: the event's channel is "${String(values.channel_name ?? "")}", not "${String(want)}"`);
        continue;
      }
      if (key === "contains") {
        if (!containsText(text, lower(want))) unmet.push(`contains: the text does not contain "${String(want)}"`);
        continue;
      }
      if (key === "keywords") {
        const list = keywordList(want);
        if (list.length && !list.some((k) => keywordMatches(text, k)))
          unmet.push(`keywords: none of ${list.join(", ")} is a whole word of the text`);
        continue;
      }
      if (key === "from_user") {
        const name = lower(want).replace(/^@/, "");
        if (![values.username, values.override_username, values.webhook_display_name].some((v) => lower(v) === name))
          unmet.push(`from_user: the author is "${String(values.username ?? "")}", not "${String(want)}"`);
        continue;
      }
    }
    const have = values[key];
    const same = (w: unknown) => (typeof w === "string" && typeof have === "string" ? w.toLowerCase() === have.toLowerCase() : w === have);
    if (!(Array.isArray(want) ? want.some(same) : same(want)))
      unmet.push(`${key}: the event has ${JSON.stringify(have ?? null)}, not ${JSON.stringify(want)}`);
  }
  return unmet;
}
