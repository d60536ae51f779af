/** A user's presence as a small dot beside their name (online, away, do not disturb, offline), named for screen readers. */
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";

const LABELS = { online: "online", away: "away", dnd: "do not disturb", offline: "offline" } as const;

export function StatusDot({ userId }: { userId: string }) {
  const { store } = useServices();
  const status = useStore(store, (s) => s.statuses[userId]) ?? "offline";
  return (
    <span className={`status-dot status-${status}`} title={LABELS[status]}>
      <span className="visually-hidden"> ({LABELS[status]})</span>
    </span>
  );
}
