/**
 * @module components/elapsed
 * Live time since an incident started.
 */
import { useNow } from "../context.tsx";
import { describeElapsed, formatElapsed } from "../format.ts";

/** "12m", "1h 05m": ticks without reload; stops at the end time of an ended incident. */
export function Elapsed({ since, until, label = "Started" }: { since: number; until?: number; label?: string }) {
  const now = useNow();
  const end = until && until > 0 ? until : now;
  const ms = end - since;
  return (
    <time
      className="incident-elapsed"
      dateTime={new Date(since).toISOString()}
      title={`${label} ${new Date(since).toLocaleString()} (${describeElapsed(ms)})`}
    >
      {formatElapsed(ms)}
    </time>
  );
}
