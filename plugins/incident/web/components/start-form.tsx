/**
 * @module components/start-form
 * "Start incident": name, channel name (optional; the server's error and
 * suggested free name are shown inline), playbook and its fields. Once
 * started, the user is taken to the incident's channel with its detail open.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { LIMITS } from "../constants.ts";
import { useIncidentPlugin, useIncidentState } from "../context.tsx";
import { playbookFields, type PlaybookSummary } from "../incident-types.ts";
import { toActionError, type ActionError } from "../incident-store.ts";

const NO_PLAYBOOK = "";

/** A free channel name the server suggested, wherever in the error it put it. */
export function suggestedChannelName(error: ActionError): string | null {
  const details = error.details;
  if (details && typeof details === "object") {
    for (const key of ["suggestion", "suggested_name", "suggested_channel_name", "channel_name"]) {
      const value = (details as Record<string, unknown>)[key];
      if (typeof value === "string" && value) return value;
    }
  }
  const quoted = /(?:try|suggest(?:ion|ed)?|instead|free)[^"'`“]*["'`“]([a-z0-9][a-z0-9_-]{1,63})["'`”]/i.exec(error.message);
  return quoted?.[1] ?? null;
}

function mentionsChannel(error: ActionError): boolean {
  return /channel/i.test(error.message) || /channel/i.test(error.id ?? "") || suggestedChannelName(error) !== null;
}

export function StartForm({ teamId }: { teamId: string }) {
  const { store, host } = useIncidentPlugin();
  const state = useIncidentState();
  const playbooks = state.playbooks[teamId];
  const [playbookError, setPlaybookError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [channelName, setChannelName] = useState("");
  const [playbookId, setPlaybookId] = useState(NO_PLAYBOOK);
  const [isPrivate, setIsPrivate] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<ActionError | null>(null);
  const [pending, setPending] = useState(false);
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const channelRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setPlaybookError(null);
    store.loadPlaybooks(teamId).catch((e: unknown) => setPlaybookError(toActionError(e).message));
  }, [store, teamId]);

  useEffect(() => {
    nameRef.current?.focus();
  }, []);

  const playbook: PlaybookSummary | undefined = playbooks?.find((p) => p.id === playbookId);
  const playbookFieldList = playbook ? playbookFields(playbook) : [];
  const channelError = error && mentionsChannel(error) ? error : null;
  const suggestion = channelError ? suggestedChannelName(channelError) : null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError({ message: "name: required" });
      nameRef.current?.focus();
      return;
    }
    setPending(true);
    setError(null);
    try {
      const values: Record<string, string> = {};
      for (const field of playbookFieldList) {
        const value = fields[field.key]?.trim();
        if (value) values[field.key] = value;
      }
      const incident = await store.start({
        name: name.trim(),
        team_id: teamId,
        ...(channelName.trim() ? { channel_name: channelName.trim() } : {}),
        ...(playbookId ? { playbook_id: playbookId } : {}),
        ...(isPrivate ? { private: true } : {}),
        ...(playbookFieldList.length ? { fields: values } : {}),
      });
      store.open(incident.id);
      // Into the new channel, as the slash command takes you there; the RHS shows the incident beside it.
      const team = host.location().team;
      if (team?.id === teamId) host.navigate(`/${team.name}/channels/${incident.channel_name}`);
    } catch (e) {
      const failure = toActionError(e);
      setError(failure);
      if (mentionsChannel(failure)) channelRef.current?.focus();
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="incident-start" aria-labelledby={`${id}-heading`}>
      <div className="incident-toolbar">
        <button type="button" className="incident-btn" onClick={() => store.showList({ focus: true })}>
          <span aria-hidden="true">← </span>All incidents
        </button>
      </div>
      <h3 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        Start incident
      </h3>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="incident-field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            ref={nameRef}
            id={`${id}-name`}
            className="incident-input"
            value={name}
            required
            aria-required="true"
            maxLength={LIMITS.nameMax}
            placeholder="e.g. DB down"
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="incident-field">
          <label htmlFor={`${id}-channel`}>Channel name (optional)</label>
          <input
            ref={channelRef}
            id={`${id}-channel`}
            className="incident-input"
            value={channelName}
            maxLength={64}
            spellCheck={false}
            autoCapitalize="off"
            placeholder="from the playbook or the name"
            aria-invalid={channelError ? true : undefined}
            aria-describedby={channelError ? `${id}-channel-error` : `${id}-channel-hint`}
            onChange={(e) => setChannelName(e.target.value)}
          />
          {channelError ? (
            <div role="alert" id={`${id}-channel-error`} className="incident-alert">
              {channelError.message}
              {suggestion ? (
                <>
                  {" "}
                  <button
                    type="button"
                    className="incident-link-btn"
                    onClick={() => {
                      setChannelName(suggestion);
                      setError(null);
                      channelRef.current?.focus();
                    }}
                  >
                    Use {suggestion}
                  </button>
                </>
              ) : null}
            </div>
          ) : (
            <span className="incident-hint" id={`${id}-channel-hint`}>
              Lowercase letters, digits, - and _. Leave empty to use the playbook's template or the name.
            </span>
          )}
        </div>
        <div className="incident-field">
          <label htmlFor={`${id}-playbook`}>Playbook</label>
          <select id={`${id}-playbook`} className="incident-select" value={playbookId} onChange={(e) => setPlaybookId(e.target.value)}>
            <option value={NO_PLAYBOOK}>No playbook (Triage → Investigating → Mitigated → Resolved)</option>
            {(playbooks ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          {playbook?.description ? <span className="incident-hint">{playbook.description}</span> : null}
          {playbookError ? (
            <p role="alert" className="incident-alert">
              Playbooks could not be loaded: {playbookError}
            </p>
          ) : null}
        </div>
        {playbookFieldList.map((field) => (
          <div className="incident-field" key={field.key}>
            <label htmlFor={`${id}-field-${field.key}`}>
              {field.key}
              {field.required ? " (required)" : ""}
            </label>
            <input
              id={`${id}-field-${field.key}`}
              className="incident-input"
              value={fields[field.key] ?? ""}
              required={field.required}
              aria-required={field.required || undefined}
              onChange={(e) => setFields((f) => ({ ...f, [field.key]: e.target.value }))}
            />
            {field.description ? <span className="incident-hint">{field.description}</span> : null}
          </div>
        ))}
        <div className="incident-field">
          <label className="incident-inline" style={{ fontWeight: 400 }}>
            <input type="checkbox" checked={isPrivate} onChange={(e) => setIsPrivate(e.target.checked)} />
            Private channel
          </label>
        </div>
        {error && !channelError ? (
          <p role="alert" className="incident-alert">
            {error.message}
          </p>
        ) : null}
        <div className="incident-inline">
          <button type="submit" className="incident-btn incident-btn-primary" disabled={pending}>
            {pending ? "Starting…" : "Start incident"}
          </button>
          <button type="button" className="incident-btn" onClick={() => store.showList({ focus: true })}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
