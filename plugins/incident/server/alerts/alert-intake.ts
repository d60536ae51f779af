/**
 * @module incident/server/alerts/alert-intake
 * One notification of an alert source, deduplicated by its group key through
 * the store's claim row (alert-store.ts), so the same holds on one process or
 * several on one PostgreSQL:
 * - firing, no group row (or its incident ended): the request that claims the
 *   row starts an incident from the source's playbook, with the source's
 *   commander and invitees, and posts the alerts;
 * - firing or resolved while the incident is active: posted in the channel
 *   (`alert_received` / `alert_resolved` on the timeline) when it is news —
 *   a different set of alerts, or the same one after {@link REPEAT_AFTER_MS};
 *   an identical re-send is answered `repeated` and posts nothing;
 * - resolved: ends the incident too when the source says `end_on_resolve`;
 * - a notification that arrives while another request is starting the
 *   group's incident waits for it (a re-send of the same state does not).
 */
import { newId } from "#common/ids.ts";
import { conflict, expectedError } from "#common/plugin-errors.ts";
import type { AlertIntakeAnswer, AlertNotification } from "../../common/alert-types.ts";
import { playbookSeverities } from "../../common/playbook.ts";
import { announce } from "../announcer.ts";
import { incidentEnder } from "../commands/incident-ender.ts";
import { incidentStarter } from "../commands/incident-starter.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import type { IncidentRecord, PlaybookRecord } from "../store.ts";
import { incidentName, notificationDigest, notificationMessage, severityFor, severityLabelValue } from "./alert-group.ts";
import { presentAlertSource, sha256, type AlertGroupsTable, type AlertSourcesTable, type AlertStore } from "./alert-store.ts";

/** An unchanged group re-sent after this long is posted again ("still firing"): Alertmanager's repeat_interval is hours. */
export const REPEAT_AFTER_MS = 60 * 60_000;
/** A start claimed this long ago and not settled was left by a crashed process: another request takes it over. */
const STALE_CLAIM_MS = 60_000;
/** How long a notification waits for another request's start of its group. */
const WAIT_FOR_START_MS = 15_000;
const WAIT_STEP_MS = 50;

export interface AlertDeps extends IncidentDeps {
  readonly alerts: AlertStore;
}

/** Handle one notification of `source`; answers what it did. */
export async function alertReceiver(
  deps: AlertDeps,
  props: { source: AlertSourcesTable; notification: AlertNotification },
): Promise<AlertIntakeAnswer> {
  const { alerts, ctx } = deps;
  const { source, notification } = props;
  const key = { source_id: source.id, key_hash: sha256(notification.groupKey) };
  const digest = notificationDigest(notification);
  // At most once a second per source: a storm does not write the source's row per request.
  if (Number(source.last_received_at) < ctx.clock.now() - 1000) await alerts.touchSource(source.id, ctx.clock.now());
  const waitUntil = ctx.clock.now() + WAIT_FOR_START_MS;
  let counted = false;
  for (;;) {
    const now = ctx.clock.now();
    const claim = { claim_id: newId(), claimed_at: now, digest, last_posted_at: now, status: notification.status };
    const row = await alerts.getGroup(key);
    if (row && !counted) {
      await alerts.countNotification(key);
      counted = true;
    }
    if (!row) {
      if (notification.status === "resolved") return { outcome: "ignored", incident_id: "" };
      const fresh: AlertGroupsTable = {
        ...key,
        ...claim,
        group_key: notification.groupKey,
        incident_id: "",
        notifications: 1,
        create_at: now,
      };
      if (await alerts.claimNewGroup(fresh)) return startFromClaim(deps, { source, notification, key, claimId: claim.claim_id });
      continue;
    }
    if (!row.incident_id) {
      // Another request is starting this group's incident. A re-send of what it starts from is that start's, already.
      if (row.digest === digest) return { outcome: "repeated", incident_id: "" };
      if (now - row.claimed_at > STALE_CLAIM_MS && notification.status === "firing") {
        if (await alerts.takeOverGroup(key, row, claim))
          return startFromClaim(deps, { source, notification, key, claimId: claim.claim_id });
        continue;
      }
      if (now > waitUntil)
        throw conflict("incident.alert.starting", `groupKey: the incident of this alert group is still being started; send it again`);
      await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
      continue;
    }
    const incident = await deps.store.getIncident(row.incident_id);
    if (!incident || incident.status !== "active") {
      if (notification.status === "resolved") return { outcome: "ignored", incident_id: incident?.id ?? "" };
      // The group fires again after its incident ended: a new incident, claimed by one request.
      if (await alerts.takeOverGroup(key, row, claim)) return startFromClaim(deps, { source, notification, key, claimId: claim.claim_id });
      continue;
    }
    const repeat = row.digest === digest;
    // A re-send of what was announced lately is answered from the row read, without a write to claim it.
    if (repeat && row.status === notification.status && row.last_posted_at > now - REPEAT_AFTER_MS)
      return { outcome: "repeated", incident_id: incident.id };
    const announced = await alerts.claimAnnouncement(key, {
      incidentId: incident.id,
      digest,
      status: notification.status,
      now,
      repeatAfter: REPEAT_AFTER_MS,
    });
    if (!announced) return { outcome: "repeated", incident_id: incident.id };
    await postNotification(deps, { source, notification, incident, repeat });
    if (notification.status === "firing") return { outcome: "updated", incident_id: incident.id };
    if (source.end_on_resolve === 1) await endResolved(deps, incident);
    return { outcome: "resolved", incident_id: incident.id };
  }
}

/** Start the group's incident for the claim this request holds; a failed start frees the claim. */
async function startFromClaim(
  deps: AlertDeps,
  props: {
    source: AlertSourcesTable;
    notification: AlertNotification;
    key: Pick<AlertGroupsTable, "source_id" | "key_hash">;
    claimId: string;
  },
): Promise<AlertIntakeAnswer> {
  const { alerts } = deps;
  let incident: IncidentRecord;
  try {
    incident = await startIncident(deps, props);
  } catch (error) {
    await alerts.dropClaim(props.key, props.claimId);
    throw error;
  }
  await alerts.settleClaim(props.key, { claimId: props.claimId, incidentId: incident.id });
  await postNotification(deps, { source: props.source, notification: props.notification, incident, repeat: false });
  return { outcome: "started", incident_id: incident.id };
}

async function startIncident(
  deps: AlertDeps,
  props: { source: AlertSourcesTable; notification: AlertNotification },
): Promise<IncidentRecord> {
  const { source, notification } = props;
  const playbook = source.playbook_id ? await deps.store.getPlaybook(source.playbook_id) : null;
  const commander = await commanderOf(deps, source);
  const { severities } = playbookSeverities(playbook?.spec ?? null);
  const start = {
    actorId: commander,
    teamId: source.team_id,
    name: incidentName(notification, source.name),
    playbookId: playbook?.id,
    severity: severityFor({ severities, value: severityLabelValue(notification, source.severity_label) }),
    commanderUserId: commander,
    inviteUserIds: await inviteesOf(deps, source),
    fields: fieldsFromLabels(playbook, notification),
    // Without a template of the playbook's, a name no later alert of the same name takes: `alert-12-highlatency`.
    channelTemplate: playbook?.spec.channel.name_template ? undefined : "alert-{{seq}}-{{slug}}",
    startedBy: `The alert source **${source.name}**`,
  };
  try {
    return await startRecord(deps, start);
  } catch (error) {
    // The playbook's channel template gave a taken name: take the free one the error suggests.
    const details = expectedError(error)?.details as { suggestion?: unknown } | undefined;
    if (expectedError(error)?.id !== "incident.channel.taken" || typeof details?.suggestion !== "string") throw error;
    return startRecord(deps, { ...start, channelName: details.suggestion });
  }
}

async function startRecord(deps: AlertDeps, start: Parameters<typeof incidentStarter>[1]): Promise<IncidentRecord> {
  const { incident } = await incidentStarter(deps, start);
  const record = await deps.store.getIncident(incident.id);
  if (!record) throw new Error(`the incident ${incident.id} just started is gone`);
  return record;
}

/** The source's commander, else whoever created it, whichever is still an active person of the team. */
async function commanderOf(deps: AlertDeps, source: AlertSourcesTable): Promise<string> {
  for (const userId of [source.commander_user_id, source.created_by])
    if (userId && (await activeMember(deps, source.team_id, userId))) return userId;
  throw conflict(
    "incident.alert.no_commander",
    `alert source "${source.name}": neither its commander nor its creator is an active member of the team; set commander_user_id`,
  );
}

/** The source's invitees who are still active people of the team (one who left is skipped, not a failed start). */
async function inviteesOf(deps: AlertDeps, source: AlertSourcesTable): Promise<string[]> {
  const invited: string[] = [];
  for (const userId of presentAlertSource(source).invite) if (await activeMember(deps, source.team_id, userId)) invited.push(userId);
  return invited;
}

async function activeMember(deps: AlertDeps, teamId: string, userId: string): Promise<boolean> {
  const user = await deps.ctx.users.get(userId);
  return !!user && !user.delete_at && !user.is_bot && (await deps.ctx.teams.isMember(teamId, userId));
}

/** The playbook's fields that the group's labels fill (`service: api` fills the field `service`). */
function fieldsFromLabels(playbook: PlaybookRecord | null, notification: AlertNotification): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const key of Object.keys(playbook?.spec.fields ?? {})) {
    const value = notification.commonLabels[key] ?? notification.groupLabels[key];
    if (value) fields[key] = value;
  }
  return fields;
}

/** Post the notification in the incident channel as the bot, with its timeline entry. */
async function postNotification(
  deps: AlertDeps,
  props: { source: AlertSourcesTable; notification: AlertNotification; incident: IncidentRecord; repeat: boolean },
): Promise<void> {
  const { source, notification, incident } = props;
  const resolved = notification.status === "resolved";
  await announce(deps, {
    incident,
    action: resolved ? "alert_resolved" : "alert_received",
    actorId: deps.bot.id,
    message: notificationMessage({ notification, sourceName: source.name, repeat: props.repeat }),
    props: { source_id: source.id, source_name: source.name, group_key: notification.groupKey, status: notification.status },
    timeline: {
      details: {
        source_id: source.id,
        source_name: source.name,
        group_key: notification.groupKey,
        status: notification.status,
        alerts: notification.alerts.length + notification.truncatedAlerts,
      },
    },
  });
}

/** The source ends incidents when their group resolves: ended by the bot, unless someone ended it meanwhile. */
async function endResolved(deps: AlertDeps, incident: IncidentRecord): Promise<void> {
  try {
    await incidentEnder(deps, { incidentId: incident.id, actorId: deps.bot.id });
  } catch (error) {
    if (expectedError(error)?.status !== 409) throw error;
  }
}
