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
import { forwardedSummary, recordTimelineEntry } from "../timeline.ts";
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
    // Each copy is on its incident's timeline, by the original's author.
    async onCopied({ incidentId, copy, source }) {
      const incident = await store.getIncident(incidentId);
      const summary = forwardedSummary(copy);
      if (!incident || summary === null) return;
      await recordTimelineEntry(deps, {
        incident,
        type: "message_forwarded",
        actorId: source.user_id,
        summary,
        postId: copy.id,
        details: {
          source_post_id: source.id,
          source_channel_id: source.channel_id,
          source_channel_name: String(copy.props.source_channel_name ?? ""),
        },
      });
    },
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
