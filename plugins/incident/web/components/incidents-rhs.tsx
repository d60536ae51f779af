/**
 * @module components/incidents-rhs
 * The "Incidents" right-hand sidebar: the list, a detail or the start form.
 * In an incident's channel it opens that incident by default.
 */
import { useEffect } from "react";
import type { WebLocation } from "#common/web-plugin-api.ts";
import { useIncidentPlugin, useIncidentState } from "../context.tsx";
import { activeIncidents } from "../incident-store.ts";
import { IncidentDetail } from "./incident-detail.tsx";
import { IncidentList } from "./incident-list.tsx";
import { StartForm } from "./start-form.tsx";
import { TimelinePicker } from "./timeline-picker.tsx";

export function IncidentsRhs({ location }: { location: WebLocation }) {
  const { store, host } = useIncidentPlugin();
  const state = useIncidentState();
  const teamId = location.team?.id;
  const channelId = location.channel?.id;

  useEffect(() => {
    if (teamId) void store.loadActive(teamId);
  }, [store, teamId]);

  // The channel's own incident is read by itself: it may be on a page of the list not loaded yet.
  useEffect(() => {
    if (teamId && channelId) void store.loadChannelIncident({ teamId, channelId }).catch(() => undefined);
  }, [store, teamId, channelId]);

  // Entering an incident's channel (or its incident arriving while in it) opens its detail.
  const channelIncidentId = activeIncidents(state, teamId).find((i) => i.channel_id === channelId)?.id;
  useEffect(() => {
    if (channelIncidentId) store.open(channelIncidentId);
  }, [store, channelId, channelIncidentId]);

  // A detail of another team's incident makes no sense after switching teams.
  const view = state.view;
  const viewed = view.kind === "detail" ? state.incidents[view.incidentId] : undefined;
  const otherTeam = viewed !== undefined && viewed.team_id !== teamId;
  useEffect(() => {
    if (otherTeam) store.showList();
  }, [store, otherTeam]);

  return (
    <div className="incident-rhs">
      {state.notice ? (
        <p role={state.notice.error ? "alert" : "status"} className={state.notice.error ? "incident-alert" : "incident-hint"}>
          {state.notice.text}{" "}
          <button type="button" className="incident-link-btn" onClick={() => store.setNotice(null)}>
            Dismiss
          </button>
        </p>
      ) : null}
      {!teamId ? (
        <p className="incident-empty">Pick a team to see its incidents.</p>
      ) : view.kind === "detail" && !otherTeam ? (
        <IncidentDetail incidentId={view.incidentId} location={location} focus={view.focus === true} tab={view.tab ?? "overview"} />
      ) : view.kind === "pick-timeline" ? (
        <TimelinePicker teamId={teamId} postId={view.postId} />
      ) : view.kind === "start" ? (
        <StartForm teamId={teamId} />
      ) : (
        <IncidentList teamId={teamId} focus={view.focus === true} />
      )}
      {location.team ? (
        <p>
          <button type="button" className="incident-link-btn" onClick={() => host.navigate(`/${location.team?.name ?? ""}/incidents`)}>
            Incident history and metrics
          </button>
        </p>
      ) : null}
    </div>
  );
}
