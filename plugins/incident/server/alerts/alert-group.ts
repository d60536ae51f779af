/**
 * @module incident/server/alerts/alert-group
 * What intake reads from a notification, whoever sent it: the body parsed by
 * the source's kind (a 400 naming each field otherwise), the incident's name
 * and severity, the digest that tells a re-send from news, and the markdown
 * the bot posts in the incident channel.
 */
import { createHash } from "node:crypto";
import { zodProblem } from "#common/zod-problem.ts";
import {
  alertmanagerNotificationSchema,
  grafanaNotificationSchema,
  type AlertNotification,
  type AlertSourceKind,
} from "../../common/alert-types.ts";
import { INCIDENT_LIMITS } from "../../common/types.ts";

/** Parse a notification by the source's kind; a 400 `field: reason` (e.g. `groupKey: is required`) when it does not fit. */
export function parseNotification(kind: AlertSourceKind, body: unknown): AlertNotification {
  const schema = kind === "alertmanager" ? alertmanagerNotificationSchema : grafanaNotificationSchema;
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw zodProblem(parsed.error, { id: "incident.alert.invalid", input: body, plain: true });
  return parsed.data;
}

/** The labels every alert of the group shares, with the first alert's as a fallback (a sender may leave `commonLabels` empty). */
function labelOf(notification: AlertNotification, name: string): string | undefined {
  return notification.commonLabels[name] ?? notification.groupLabels[name] ?? notification.alerts[0]?.labels[name];
}

/**
 * The incident's name: the group's `summary` annotation; else its alert name
 * with the other grouping labels; else Grafana's title; else the labels.
 * @example incidentName({ commonAnnotations: {}, groupLabels: { alertname: "HighLatency", instance: "db-prod" }, ... }) // "HighLatency (instance=db-prod)"
 */
export function incidentName(notification: AlertNotification, sourceName: string): string {
  const summary = notification.commonAnnotations.summary?.trim();
  // The group's own alert name only: the first alert's would misname a group of several alerts.
  const alertname = (notification.commonLabels.alertname ?? notification.groupLabels.alertname)?.trim();
  const others = Object.entries(notification.groupLabels)
    .filter(([key]) => key !== "alertname")
    .map(([key, value]) => `${key}=${value}`);
  const title = typeof notification.title === "string" ? notification.title.trim() : "";
  const labels = Object.entries(notification.commonLabels).map(([key, value]) => `${key}=${value}`);
  const name =
    summary ||
    (alertname && (others.length ? `${alertname} (${others.join(", ")})` : alertname)) ||
    title ||
    (labels.length ? labels.join(", ") : `Alert from ${sourceName}`);
  return name.slice(0, INCIDENT_LIMITS.nameMax);
}

/** Label values read as ranks, most severe first: Prometheus' and Grafana's usual words, and P1–P4. */
const SEVERITY_WORDS: readonly (readonly string[])[] = [
  ["critical", "crit", "fatal", "emergency", "page", "p1", "sev1"],
  ["error", "high", "major", "p2", "sev2"],
  ["warning", "warn", "medium", "minor", "p3", "sev3"],
  ["info", "low", "none", "p4", "sev4"],
];

/**
 * The severity the source's label names, among the incident's severities
 * (most severe first): a severity spelled the same, case aside; else the rank
 * of a usual word (`critical` → the first, `warning` → the third, clamped to
 * the list); else undefined (the playbook's default).
 * @example severityFor({ severities: ["SEV1", "SEV2", "SEV3"], value: "critical" }) // "SEV1"
 */
export function severityFor(props: { severities: readonly string[]; value: string | undefined }): string | undefined {
  const value = props.value?.trim().toLowerCase();
  if (!value) return undefined;
  const same = props.severities.find((s) => s.toLowerCase() === value);
  if (same) return same;
  const rank = SEVERITY_WORDS.findIndex((words) => words.includes(value));
  if (rank < 0) return undefined;
  return props.severities[Math.min(rank, props.severities.length - 1)];
}

/** The value of the source's severity label in this group. */
export function severityLabelValue(notification: AlertNotification, label: string): string | undefined {
  return label ? labelOf(notification, label) : undefined;
}

/**
 * What makes a notification news: its status and each alert's identity,
 * status and start (a firing alert's `endsAt` moves with every evaluation, so
 * only a resolved one's counts). Two re-sends of one state digest alike.
 */
export function notificationDigest(notification: AlertNotification): string {
  const alerts = notification.alerts
    .map((alert) => [
      alert.fingerprint || JSON.stringify(Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b))),
      alert.status,
      alert.startsAt,
      alert.status === "resolved" ? alert.endsAt : "",
    ])
    .map((parts) => parts.join("\u0000"))
    .sort();
  return createHash("sha256")
    .update([notification.status, String(notification.truncatedAlerts), ...alerts].join("\n"))
    .digest("hex");
}

/** How many alerts a post lists before "and N more". */
const LISTED_ALERTS = 20;

/** One alert as a line: its name, its other labels, its summary. */
function alertLine(alert: AlertNotification["alerts"][number]): string {
  const { alertname, ...rest } = alert.labels;
  const labels = Object.entries(rest)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
  const summary = alert.annotations.summary ?? alert.annotations.description ?? "";
  const name = alertname ? `**${alertname}**` : "";
  return `- ${alert.status === "firing" ? "🔥 firing" : "✅ resolved"} ${[name, labels ? `\`${labels}\`` : "", summary].filter(Boolean).join(" ")}`;
}

/**
 * The bot's post of a notification: a first line for the timeline
 * (`[FIRING:2] from Prometheus`), then the alerts.
 */
export function notificationMessage(props: { notification: AlertNotification; sourceName: string; repeat: boolean }): string {
  const { notification } = props;
  const firing = notification.alerts.filter((a) => a.status === "firing").length;
  const head =
    notification.status === "firing"
      ? `**[FIRING:${firing}]** ${props.repeat ? "Still firing, " : ""}alert group from **${props.sourceName}**`
      : `**[RESOLVED]** The alert group from **${props.sourceName}** resolved`;
  const listed = notification.alerts.slice(0, LISTED_ALERTS).map(alertLine);
  const more = notification.alerts.length - listed.length + notification.truncatedAlerts;
  return [head, ...listed, ...(more > 0 ? [`…and ${more} more`] : [])].join("\n");
}
