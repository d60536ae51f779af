/**
 * @module forwarding
 * Message forwarding's place in the Incident plugin: on activation, load the
 * active incidents' rules into an {@link IncidentForwarder}, follow every
 * start and end through `onDidChangeIncident`, and add `/incident rules reload`.
 * It depends on the plugin's core (deps, the `/incident` command), never the
 * other way round.
 */
import type { IncidentDeps } from "../incident-deps.ts";
import type { IncidentCommand } from "../slash-command.ts";
import { IncidentForwarder } from "./forwarder.ts";
import { rulesSubcommand } from "./rules-reloader.ts";
import { forwardingRulesSwitcher } from "./rules-switcher.ts";

/** Wire forwarding into an activated Incident plugin; returns the forwarder. */
export async function activateForwarding(props: { deps: IncidentDeps; command: IncidentCommand }): Promise<IncidentForwarder> {
  const { deps, command } = props;
  const { ctx, store, bot } = deps;
  const forwarder = new IncidentForwarder({
    ctx,
    botUserId: bot.id,
    loadActive: () => store.listIncidents({ status: "active" }),
    switchOffRules: ({ incidentId }) => forwardingRulesSwitcher(deps, { incidentId }),
  });
  await forwarder.activate();
  deps.changes.onDidChangeIncident(async ({ incident, action }) => {
    if (action === "started") await forwarder.track(incident);
    else if (action === "ended") await forwarder.forget(incident.id);
  });
  // Not tracked: disabling the plugin removes `/incident`, and every subcommand with it.
  command.add(rulesSubcommand(deps, forwarder));
  return forwarder;
}
