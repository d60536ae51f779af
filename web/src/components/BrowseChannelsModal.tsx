/** "Browse channels": the team's public channels, to open or join. */
import { useEffect, useState } from "react";
import type { Channel } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import { paths } from "../router/router.ts";
import { sortedChannels } from "../store/channel-order.ts";
import { channelJoiner, publicChannelsLoader } from "../store/channels.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { FormError } from "./FormError.tsx";
import { Modal } from "./Modal.tsx";

export function BrowseChannelsModal({ teamId, teamName, onClose }: { teamId: string; teamName: string; onClose(): void }) {
  const services = useServices();
  const mine = useStore(services.store, (s) => s.channels[teamId]);
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [filter, setFilter] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    publicChannelsLoader(services, teamId).then(setChannels, (e: unknown) => setError(errorMessage(e)));
  }, [services, teamId]);

  const memberOf = new Set((mine ?? []).map((c) => c.id));
  const shown = sortedChannels(channels ?? []).filter((c) =>
    `${c.display_name} ${c.name} ${c.purpose}`.toLowerCase().includes(filter.trim().toLowerCase()),
  );

  const open = async (channel: Channel, join: boolean) => {
    setError(null);
    try {
      if (join) await channelJoiner(services, channel);
      onClose();
      services.router.navigate(paths.channel(teamName, channel.name));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <Modal title="Browse channels" onClose={onClose} className="wide">
      <label htmlFor="browse-filter">Search channels</label>
      <input id="browse-filter" type="search" autoFocus value={filter} onChange={(e) => setFilter(e.target.value)} />
      <FormError message={error} />
      {channels === null ? (
        <p>Loading…</p>
      ) : shown.length === 0 ? (
        <p>No public channels match.</p>
      ) : (
        <ul className="browse-list">
          {shown.map((c) => (
            <li key={c.id}>
              <div>
                <strong>{c.display_name}</strong> <span className="muted">~{c.name}</span>
                {c.purpose && <p className="muted">{c.purpose}</p>}
              </div>
              {memberOf.has(c.id) ? (
                <button type="button" className="button" onClick={() => void open(c, false)}>
                  View {c.display_name}
                </button>
              ) : (
                <button type="button" className="button primary" onClick={() => void open(c, true)}>
                  Join {c.display_name}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
