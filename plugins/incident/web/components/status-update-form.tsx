/**
 * @module components/status-update-form
 * Posts a status update (markdown) to the incident channel and its broadcast
 * channels; the last update is prefilled so a small edit is enough.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useIncidentPlugin, useIncidentState } from "../context.tsx";
import type { Incident } from "../incident-types.ts";
import { Elapsed } from "./elapsed.tsx";
import { ErrorText, useAction } from "./use-action.tsx";

export function StatusUpdateForm({ incident }: { incident: Incident }) {
  const { store } = useIncidentPlugin();
  const state = useIncidentState();
  const last = state.lastUpdates[incident.id];
  const [message, setMessage] = useState<string | null>(null);
  const [posted, setPosted] = useState<string | null>(null);
  const action = useAction();
  const id = useId();
  const textRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    store.loadLastUpdate(incident.id).catch(() => undefined);
  }, [store, incident.id, incident.last_status_update_at]);

  const text = message ?? last?.message ?? "";
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) {
      textRef.current?.focus();
      return;
    }
    setPosted(null);
    const ok = await action.run(async () => {
      const update = await store.postStatusUpdate(incident.id, text);
      const skipped = update.broadcast.filter((b) => b.status === "skipped");
      setPosted(
        skipped.length > 0
          ? `Posted. Not copied to ${skipped.map((b) => `~${b.channel_name} (${b.reason})`).join(", ")}.`
          : "Status update posted.",
      );
    });
    if (ok) setMessage(null);
  };

  return (
    <form className="incident-section incident-status-form" aria-labelledby={`${id}-heading`} onSubmit={(e) => void submit(e)}>
      <h4 id={`${id}-heading`}>Status update</h4>
      <p className="incident-hint">
        {incident.last_status_update_at > 0 ? (
          <>
            Last update <Elapsed since={incident.last_status_update_at} label="Last update" /> ago
          </>
        ) : (
          "No status update yet."
        )}
      </p>
      <label htmlFor={`${id}-text`}>Message (markdown)</label>
      <textarea
        ref={textRef}
        id={`${id}-text`}
        className="incident-input incident-status-text"
        rows={4}
        value={text}
        placeholder="What is known, what is being done, what comes next"
        onChange={(event) => setMessage(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void submit(event);
        }}
      />
      <div className="incident-inline">
        <button type="submit" className="incident-btn incident-btn-primary" disabled={action.pending || !text.trim()}>
          {action.pending ? "Posting…" : "Post update"}
        </button>
      </div>
      {posted ? (
        <p role="status" className="incident-hint">
          {posted}
        </p>
      ) : null}
      <ErrorText error={action.error} />
    </form>
  );
}
