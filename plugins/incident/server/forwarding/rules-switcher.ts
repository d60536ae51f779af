/**
 * @module forwarding/rules-switcher
 * An active incident may hold a forwarding rule whose regex no longer
 * compiles: one stored while regexes were JavaScript's (a lookahead, a
 * backreference), before they became RE2 (forwarding-regex.ts). Such a rule
 * never matches; here it is also taken out of the incident's stored rules,
 * and the bot says so in the incident channel — which rule, why, and how to
 * get it back (fix the playbook, then `/incident rules reload`).
 */
import { compileForwardingRegex } from "../../common/forwarding-regex.ts";
import type { ForwardingRule } from "../../common/playbook.ts";
import { announceChange } from "../announcer.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { describeRules } from "./rules-reloader.ts";

/**
 * Switch off the incident's stored rules whose regex does not compile, and
 * post why. Answers the rules now stored, or null when there was nothing to
 * switch off (another process did it first, or the incident ended).
 */
export async function forwardingRulesSwitcher(deps: IncidentDeps, props: { incidentId: string }): Promise<ForwardingRule[] | null> {
  const { store, bot } = deps;
  // The stored rules are checked, not the caller's copy: another process may have changed them since.
  const reasons = new Map<number, string>();
  const changed = await store.changeForwardingOnce(props.incidentId, (rules) => {
    rules.forEach((rule, i) => {
      const compiled = rule.regex === undefined ? null : compileForwardingRegex(rule.regex);
      if (compiled && !compiled.ok) reasons.set(i, compiled.reason);
    });
    return reasons.size ? rules.filter((_, i) => !reasons.has(i)) : null;
  });
  if (!changed) return null;
  const incident = await store.getIncident(props.incidentId);
  if (!incident) return changed.after;
  const described = describeRules(changed.before);
  const lines = [...reasons].map(([i, reason]) => `${described[i] ?? `${i + 1}.`} — ${reason}`);
  const count = reasons.size;
  await announceChange(deps, {
    incident,
    action: "rules_switched_off",
    actorId: bot.id,
    message: [
      `${count === 1 ? "A forwarding rule was" : `${count} forwarding rules were`} switched off: ${count === 1 ? "its regex is" : "their regexes are"} not valid RE2 syntax, so nothing was forwarded by ${count === 1 ? "it" : "them"}.`,
      ...lines,
      "Fix the regex in the playbook, then run `/incident rules reload` here.",
    ].join("\n"),
    props: {
      incident_name: incident.name,
      rule_numbers: [...reasons.keys()].map((i) => i + 1),
      reasons: [...reasons.values()],
      rule_count: changed.after.length,
    },
  });
  return changed.after;
}
