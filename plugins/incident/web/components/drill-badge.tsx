/**
 * @module components/drill-badge
 * "Drill" beside the channel's name in the header of a drill incident's
 * channel (registered with `registerChannelHeaderBadge`). The incident comes
 * from the store (the RHS lists and the realtime events keep it current);
 * a channel the store knows nothing of is asked about once.
 */
import { useEffect } from "react";
import type { ChannelHeaderBadgeProps } from "#common/web-plugin-api.ts";
import { useIncidentPlugin, useIncidentState } from "../context.tsx";
import type { IncidentStore } from "../incident-store.ts";

/** Channels already asked about, per store: a channel without an incident is not asked again on every visit. */
const asked = new WeakMap<IncidentStore, Set<string>>();

export function DrillBadge({ channel }: ChannelHeaderBadgeProps) {
  const { store } = useIncidentPlugin();
  const { incidents } = useIncidentState();
  // The channel's active incident if it runs one, else its latest.
  const ofChannel = Object.values(incidents)
    .filter((i) => i.channel_id === channel.id)
    .sort((a, b) => Number(b.status === "active") - Number(a.status === "active") || b.create_at - a.create_at);
  const incident = ofChannel[0];
  useEffect(() => {
    if (incident) return;
    const seen = asked.get(store) ?? new Set<string>();
    asked.set(store, seen);
    if (seen.has(channel.id)) return;
    seen.add(channel.id);
    void store.incidentOfChannel(channel.id).catch(() => seen.delete(channel.id));
  }, [store, channel.id, incident]);
  if (!incident?.drill) return null;
  return (
    <span className="incident-drill" title="This incident is a drill">
      Drill
    </span>
  );
}
