/**
 * @module components/incident-detail
 * One incident in the RHS: channel link, commander and stage (changeable),
 * severity, roles, the checklist by stage, status updates, forwarding rules
 * and ending it; a second tab shows the live timeline.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import type { WebLocation } from "#common/web-plugin-api.ts";
import { isSystemAdmin } from "#common/wire.ts";
import { useIncidentPlugin, useIncidentState } from "../context.tsx";
import type { DetailTab } from "../incident-store.ts";
import type { ForwardingRule, Incident } from "../incident-types.ts";
import { ChecklistSection } from "./checklist.tsx";
import { Elapsed } from "./elapsed.tsx";
import { RolesSection } from "./roles.tsx";
import { SeverityBadge, SeverityPicker } from "./severity.tsx";
import { StatusUpdateForm } from "./status-update-form.tsx";
import { TimelineTab } from "./timeline.tsx";
import { ActionScope, ErrorText, incidentActionScope, useAction } from "./use-action.tsx";
import { UserName } from "./user-name.tsx";
import { UserSelect } from "./user-select.tsx";

export function IncidentDetail({
  incidentId,
  location,
  focus,
  tab,
}: {
  incidentId: string;
  location: WebLocation;
  focus: boolean;
  tab: DetailTab;
}) {
  const { store } = useIncidentPlugin();
  const state = useIncidentState();
  const incident = state.incidents[incidentId];
  const [loadError, setLoadError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    setLoadError(null);
    store.loadIncident(incidentId).catch((e: unknown) => setLoadError(e instanceof Error ? e.message : String(e)));
  }, [store, incidentId]);

  // Opened by the user: focus moves to the heading, so keyboard users land on it.
  const loaded = incident !== undefined;
  useEffect(() => {
    if (focus && loaded) headingRef.current?.focus();
  }, [incidentId, focus, loaded]);

  return (
    <article className="incident-detail" aria-labelledby={`incident-title-${incidentId}`}>
      <div className="incident-toolbar">
        <button type="button" className="incident-btn" onClick={() => store.showList({ focus: true })}>
          <span aria-hidden="true">← </span>All incidents
        </button>
        {incident ? <SeverityBadge incident={incident} /> : null}
        {incident ? (
          <span className={`incident-badge${incident.status === "ended" ? " incident-badge-ended" : ""}`}>
            {incident.status === "ended" ? "Ended" : "Active"}
          </span>
        ) : null}
      </div>
      {incident ? (
        <>
          <h3 id={`incident-title-${incidentId}`} ref={headingRef} tabIndex={-1}>
            {incident.name}
          </h3>
          <DetailTabs incident={incident} location={location} tab={tab} />
        </>
      ) : loadError ? (
        <p role="alert" className="incident-alert">
          {loadError}
        </p>
      ) : (
        <p className="incident-empty" id={`incident-title-${incidentId}`}>
          Loading incident…
        </p>
      )}
    </article>
  );
}

const TABS: ReadonlyArray<{ id: DetailTab; label: string }> = [
  { id: "overview", label: "Overview" },
  { id: "timeline", label: "Timeline" },
];

/** Overview and Timeline tabs (arrow keys move between them, as in a WAI-ARIA tablist). */
function DetailTabs({ incident, location, tab }: { incident: Incident; location: WebLocation; tab: DetailTab }) {
  const { store } = useIncidentPlugin();
  const setTab = (next: DetailTab) => store.showTab(next);
  const id = useId();
  const tabRefs = useRef<Partial<Record<DetailTab, HTMLButtonElement | null>>>({});
  const move = (delta: number) => {
    const index = TABS.findIndex((t) => t.id === tab);
    const next = TABS[(index + delta + TABS.length) % TABS.length];
    if (!next) return;
    setTab(next.id);
    tabRefs.current[next.id]?.focus();
  };
  return (
    <>
      <div
        role="tablist"
        aria-label="Incident views"
        className="incident-tabs"
        onKeyDown={(event) => {
          if (event.key === "ArrowRight") move(1);
          else if (event.key === "ArrowLeft") move(-1);
          else return;
          event.preventDefault();
        }}
      >
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`${id}-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`${id}-${t.id}-panel`}
            tabIndex={tab === t.id ? 0 : -1}
            className="incident-tab"
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-${tab}-panel`} aria-labelledby={`${id}-${tab}`} className="incident-tabpanel">
        {tab === "overview" ? (
          <MemberControls incident={incident} location={location}>
            <Overview incident={incident} location={location} />
            <RolesSection incident={incident} />
            <ChecklistSection incident={incident} />
            {incident.status === "active" ? <StatusUpdateForm incident={incident} /> : null}
            <ForwardingSection rules={incident.forwarding ?? []} />
            {incident.status === "active" ? <EndSection incident={incident} /> : null}
          </MemberControls>
        ) : (
          <TimelineTab incident={incident} />
        )}
      </div>
    </>
  );
}

/**
 * The incident's controls, scoped to it (errors clear when it or the user's
 * membership changes), and read-only with a "Join" button for a user outside
 * its channel, who may look but not change (system admins may change anyway).
 */
function MemberControls({ incident, location, children }: { incident: Incident; location: WebLocation; children: ReactNode }) {
  const { store } = useIncidentPlugin();
  const state = useIncidentState();
  const member = state.memberships[incident.channel_id];
  const join = useAction();
  useEffect(() => {
    void store.loadMembership(incident.channel_id).catch(() => undefined);
  }, [store, incident.channel_id]);
  const readOnly = incident.status === "active" && member === false && !isSystemAdmin(location.user);
  return (
    <ActionScope.Provider value={incidentActionScope({ incidentId: incident.id, updateAt: incident.update_at, member })}>
      {readOnly ? (
        <div className="incident-join" role="status">
          <p className="incident-hint">You are not in this incident's channel: you can follow it here, and join to take part.</p>
          <button
            type="button"
            className="incident-btn incident-btn-primary"
            disabled={join.pending}
            onClick={() => void join.run(() => store.joinIncident(incident, location.user.id))}
          >
            Join
          </button>
          <ErrorText error={join.error} />
        </div>
      ) : null}
      <fieldset className="incident-controls" disabled={readOnly} aria-label={readOnly ? "Incident (read-only)" : undefined}>
        {children}
      </fieldset>
    </ActionScope.Provider>
  );
}

function Overview({ incident, location }: { incident: Incident; location: WebLocation }) {
  const { store, host } = useIncidentPlugin();
  useIncidentState(); // channel names arrive through the store
  const channelName = store.channelName(incident.channel_id);
  const teamName = location.team?.id === incident.team_id ? location.team.name : undefined;
  const href = channelName && teamName ? `/${teamName}/channels/${channelName}` : undefined;
  const ended = incident.status === "ended";

  return (
    <section className="incident-overview">
      <dl className="incident-meta">
        <dt>Channel</dt>
        <dd>
          {href ? (
            <a
              href={href}
              className="incident-channel-link"
              onClick={(event) => {
                if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
                event.preventDefault();
                host.navigate(href);
              }}
            >
              ~{channelName}
            </a>
          ) : (
            <span>…</span>
          )}
        </dd>
        <dt>Started</dt>
        <dd>
          <Elapsed since={incident.create_at} until={incident.end_at} /> ago{ended ? " (ended)" : ""}
        </dd>
        {Object.entries(incident.fields).map(([key, value]) => (
          <FieldRow key={key} name={key} value={value} />
        ))}
      </dl>
      {ended ? (
        <dl className="incident-meta">
          <dt>Commander</dt>
          <dd>
            <UserName userId={incident.commander_user_id} />
          </dd>
          <dt>Stage</dt>
          <dd>{incident.current_stage}</dd>
          <dt>Severity</dt>
          <dd>
            <SeverityBadge incident={incident} />
          </dd>
        </dl>
      ) : (
        <>
          <SeverityPicker incident={incident} />
          <CommanderPicker incident={incident} />
          <StagePicker incident={incident} />
        </>
      )}
    </section>
  );
}

function FieldRow({ name, value }: { name: string; value: unknown }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
    </>
  );
}

function CommanderPicker({ incident }: { incident: Incident }) {
  const { store } = useIncidentPlugin();
  const action = useAction();
  const id = useId();
  return (
    <div className="incident-field">
      <label htmlFor={id}>Commander</label>
      <UserSelect
        id={id}
        className="incident-commander-select"
        value={incident.commander_user_id}
        allowNone={false}
        disabled={action.pending}
        describedBy={action.error ? `${id}-error` : undefined}
        onChange={(userId) => void action.run(() => store.changeCommander(incident.id, userId))}
      />
      <ErrorText error={action.error} id={`${id}-error`} />
    </div>
  );
}

function StagePicker({ incident }: { incident: Incident }) {
  const { store } = useIncidentPlugin();
  const action = useAction();
  const id = useId();
  const names = incident.stages.map((s) => s.name);
  const index = names.indexOf(incident.current_stage);
  const change = (stage: string | undefined) => {
    if (stage !== undefined && stage !== incident.current_stage) void action.run(() => store.changeStage(incident.id, stage));
  };

  return (
    <div className="incident-field">
      <label htmlFor={id}>Stage</label>
      <div className="incident-inline">
        <button
          type="button"
          className="incident-btn incident-btn-icon"
          aria-label="Previous stage"
          title="Previous stage"
          disabled={action.pending || index <= 0}
          onClick={() => change(names[index - 1])}
        >
          <span aria-hidden="true">◀</span>
        </button>
        <select
          id={id}
          className="incident-select incident-stage-select"
          value={incident.current_stage}
          disabled={action.pending}
          aria-describedby={action.error ? `${id}-error` : `${id}-position`}
          onChange={(event) => change(event.target.value)}
        >
          {index < 0 ? <option value={incident.current_stage}>{incident.current_stage}</option> : null}
          {names.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="incident-btn incident-btn-icon"
          aria-label="Next stage"
          title="Next stage"
          disabled={action.pending || index < 0 || index >= names.length - 1}
          onClick={() => change(names[index + 1])}
        >
          <span aria-hidden="true">▶</span>
        </button>
      </div>
      <span className="incident-hint" id={`${id}-position`}>
        {index >= 0 ? `Stage ${index + 1} of ${names.length}` : ""}
      </span>
      <ErrorText error={action.error} id={`${id}-error`} />
    </div>
  );
}

function ForwardingSection({ rules }: { rules: ForwardingRule[] }) {
  const headingId = useId();
  return (
    <section className="incident-section" aria-labelledby={headingId}>
      <h4 id={headingId}>Forwarding rules</h4>
      {rules.length === 0 ? (
        <p className="incident-empty">No messages are forwarded into this incident.</p>
      ) : (
        <ul className="incident-rules">
          {rules.map((rule, i) => (
            <li key={i}>{describeRule(rule)}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** "From ~alerts, ~support: keywords db-prod, api; regex ERR-[0-9]+; by alertmanager" */
function describeRule(rule: ForwardingRule) {
  const from = rule.from === undefined ? [] : Array.isArray(rule.from) ? rule.from : [rule.from];
  const parts: string[] = [];
  if (rule.keywords?.length) parts.push(`keywords ${rule.keywords.join(", ")}`);
  if (rule.regex) parts.push(`regex ${rule.regex}`);
  if (rule.authors?.length) parts.push(`by ${rule.authors.join(", ")}`);
  const source = from.length === 0 ? "any public channel" : from.map((f) => (f === "*" ? "every public channel" : `~${f}`)).join(", ");
  return (
    <>
      From <strong>{source}</strong>
      {parts.length ? `: ${parts.join("; ")}` : ": every message"}
    </>
  );
}

function EndSection({ incident }: { incident: Incident }) {
  const { store } = useIncidentPlugin();
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const endRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  const headingId = useId();

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
    else if (wasConfirming.current) endRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  return (
    <section className="incident-section" aria-label="End incident">
      {confirming ? (
        <div className="incident-confirm" role="group" aria-labelledby={headingId}>
          <p id={headingId} style={{ margin: 0 }}>
            End <strong>{incident.name}</strong>? Everyone in its channel is told.
          </p>
          <div className="incident-inline">
            <button
              ref={confirmRef}
              type="button"
              className="incident-btn incident-btn-danger-solid"
              disabled={action.pending}
              onClick={() => void action.run(() => store.end(incident.id)).then((ok) => ok && setConfirming(false))}
            >
              {action.pending ? "Ending…" : "Confirm end"}
            </button>
            <button type="button" className="incident-btn" disabled={action.pending} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
          <ErrorText error={action.error} />
        </div>
      ) : (
        <button ref={endRef} type="button" className="incident-btn incident-btn-danger" onClick={() => setConfirming(true)}>
          End incident
        </button>
      )}
    </section>
  );
}
