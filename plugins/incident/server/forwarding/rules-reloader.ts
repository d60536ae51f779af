/**
 * @module forwarding/rules-reloader
 * `/incident rules reload`: an active incident re-reads its forwarding rules
 * from the current version of its playbook (DESIGN.md section 4: later
 * playbook edits don't change running incidents, except on purpose, here).
 * The incident's stored copy is replaced, the forwarder's index follows, and
 * the bot posts the record in the incident channel.
 */
import { invalid, notFound } from "#common/plugin-errors.ts";
import type { ForwardingRule } from "../../common/playbook.ts";
import { renderForwardingRules } from "../../common/templates.ts";
import { templateValuesOf } from "../template-values.ts";
import type { Incident } from "../../common/types.ts";
import { announceChange, mention } from "../announcer.ts";
import { changeableIncident } from "../policies.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import type { IncidentSubcommand } from "../slash-command.ts";
import type { IncidentForwarder } from "./forwarder.ts";

/** One line per rule, for the record post and the command's answer. */
export function describeRules(rules: readonly ForwardingRule[]): string[] {
  return rules.map((rule, i) => {
    const from = rule.from === "*" ? "every public channel" : rule.from.map((name) => `~${name}`).join(", ");
    const parts = [`from ${from}`];
    if (rule.keywords.length)
      parts.push(`${rule.match === "all" ? "all of" : "any of"} ${rule.keywords.map((k) => `\`${k}\``).join(", ")}`);
    if (rule.regex) parts.push(`${rule.keywords.length && rule.match !== "all" ? "or" : "and"} regex \`${rule.regex}\``);
    if (rule.authors.length) parts.push(`by ${rule.authors.join(", ")}`);
    if (rule.exclude_keywords.length) parts.push(`except ${rule.exclude_keywords.map((k) => `\`${k}\``).join(", ")}`);
    return `${i + 1}. ${parts.join(" ")}`;
  });
}

/**
 * Re-read an incident's forwarding rules from its playbook's current version.
 * 404 when not visible, 403 when not a member, 409 when ended, 400 without a
 * playbook; 404 when the playbook was deleted.
 */
export async function forwardingRulesReloader(
  deps: IncidentDeps,
  props: { incidentId: string; actorId: string; forwarder: IncidentForwarder },
): Promise<Incident> {
  const { store } = deps;
  const incident = await changeableIncident(deps, { userId: props.actorId, incidentId: props.incidentId });
  if (!incident.playbook_id) {
    throw invalid(
      "incident.rules.no_playbook",
      `incident "${incident.name}" was started without a playbook: there are no forwarding rules to reload`,
    );
  }
  const playbook = await store.getPlaybook(incident.playbook_id);
  if (!playbook)
    throw notFound(
      "incident.rules.playbook_not_found",
      `the playbook of incident "${incident.name}" no longer exists: there are no forwarding rules to reload`,
    );
  const values = await templateValuesOf(deps, incident);
  const rules = renderForwardingRules(playbook.spec.forwarding, values);
  await store.updateIncident(incident.id, { forwarding: rules });
  await props.forwarder.track({ ...incident, forwarding: rules });

  const summary = rules.length ? describeRules(rules).join("\n") : "No forwarding rules: nothing is forwarded any more.";
  return announceChange(deps, {
    incident: { ...incident, forwarding: rules },
    action: "rules_reloaded",
    actorId: props.actorId,
    message: `${await mention(deps, props.actorId)} reloaded the forwarding rules from the playbook **${playbook.name}** (v${playbook.version}):\n${summary}`,
    props: { incident_name: incident.name, playbook_name: playbook.name, playbook_version: playbook.version, rule_count: rules.length },
  });
}

/** The `/incident rules reload` subcommand, for the plugin's subcommand registry. */
export function rulesSubcommand(deps: IncidentDeps, forwarder: IncidentForwarder): IncidentSubcommand {
  return {
    name: "rules",
    hint: "reload",
    description: "Re-read the incident's forwarding rules from its playbook",
    inIncidentChannel: true,
    async execute({ args, call, incident }) {
      if (args.length !== 1 || args[0]?.toLowerCase() !== "reload") {
        throw invalid("incident.rules.usage", "usage: /incident rules reload (in the incident channel)");
      }
      const reloaded = await forwardingRulesReloader(deps, { incidentId: incident.id, actorId: call.userId, forwarder });
      const count = reloaded.forwarding.length;
      return {
        response_type: "ephemeral",
        text: `Reloaded ${count} forwarding rule${count === 1 ? "" : "s"} of **${reloaded.name}** from its playbook.`,
      };
    },
  };
}
