/**
 * @module forwarding
 * Message forwarding's place in the Incident plugin: on activation, load the
 * active incidents' rules into an {@link IncidentForwarder}, follow every
 * start and end through the plugin's change listener, and add
 * `/incident rules reload`.
 */
import type { IncidentPlugin } from "../index.ts";
import { IncidentForwarder } from "./forwarder.ts";
import { rulesSubcommand } from "./rules-reloader.ts";

/** Wire forwarding into an activated Incident plugin; returns the forwarder. */
export async function activateForwarding(plugin: IncidentPlugin): Promise<IncidentForwarder> {
  const { services, command } = plugin;
  const { ctx, store, bot } = services;
  const forwarder = new IncidentForwarder({ ctx, botUserId: bot.id, loadActive: () => store.listIncidents({ status: "active" }) });
  await forwarder.activate();
  services.afterChange = async (incident, action) => {
    if (action === "started") await forwarder.track(incident);
    else if (action === "ended") await forwarder.forget(incident.id);
  };
  ctx.track(command.add(rulesSubcommand(services, forwarder)));
  return forwarder;
}
