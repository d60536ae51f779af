/**
 * @module incident/server/presenter
 * Records as the API shows them.
 */
import { orderChecklist } from "../common/checklist.ts";
import type { ChecklistItem, Incident, Playbook } from "../common/types.ts";
import type { ChecklistItemRecord, IncidentRecord, PlaybookRecord } from "./store.ts";

/** The incident JSON of DESIGN.md section 4, its checklist in display order. */
export function presentIncident(incident: IncidentRecord, items: readonly ChecklistItemRecord[]): Incident {
  return {
    id: incident.id,
    name: incident.name,
    team_id: incident.team_id,
    channel_id: incident.channel_id,
    channel_name: incident.channel_name,
    seq: incident.seq,
    commander_user_id: incident.commander_user_id,
    playbook_id: incident.playbook_id,
    playbook_version: incident.playbook_version,
    fields: incident.fields,
    current_stage: incident.current_stage,
    stages: incident.stages.map((name) => ({ name })),
    checklist: orderChecklist(items, incident.stages).map(presentItem),
    forwarding: incident.forwarding,
    private: incident.private,
    severity: incident.severity,
    severities: incident.severities,
    roles: incident.roles,
    last_status_update_at: incident.last_status_update_at,
    update_every_ms: incident.update_every_ms,
    drill: incident.drill,
    channel_created: incident.channel_created,
    archive_on_end: incident.archive_on_end && incident.channel_created,
    status: incident.status,
    create_at: incident.create_at,
    update_at: incident.update_at,
    end_at: incident.end_at,
  };
}

export function presentItem(item: ChecklistItemRecord): ChecklistItem {
  return {
    id: item.id,
    number: item.number,
    title: item.title,
    stage: item.stage,
    checked: item.checked,
    checked_by: item.checked_by,
    checked_at: item.checked_at,
    assignee_user_id: item.assignee_user_id,
    due_at: item.due_at,
  };
}

/** A playbook: its parsed definition (without `team`) and bookkeeping. */
export function presentPlaybook(playbook: PlaybookRecord): Playbook {
  const { team: _team, ...spec } = playbook.spec;
  return {
    ...spec,
    id: playbook.id,
    team_id: playbook.team_id,
    version: playbook.version,
    source: playbook.source,
    create_at: playbook.create_at,
    update_at: playbook.update_at,
  };
}
