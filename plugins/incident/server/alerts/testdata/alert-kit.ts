/**
 * @module incident/server/alerts/testdata/alert-kit
 * For the alert intake tests and bench P8: a source made through the API,
 * Alertmanager-shaped notifications, and the intake request.
 */
import { expectBody, type TestClient } from "#testing";
import { alertSourceCreatedSchema, type AlertSourceCreated, type CreateAlertSourceRequest } from "../../../common/alert-types.ts";
import { API } from "../../test-server.ts";

/** Create an alert source; throws unless 201. */
export async function createAlertSource(client: TestClient, body: CreateAlertSourceRequest): Promise<AlertSourceCreated> {
  const res = await client.post(`${API}/alert-sources`, body);
  if (res.status !== 201) throw new Error(`alert source: ${res.status} ${JSON.stringify(res.body)}`);
  return expectBody(res, alertSourceCreatedSchema);
}

/** The intake path of a source's URL (what follows the site). */
export function intakePath(source: Pick<AlertSourceCreated, "url">): string {
  return new URL(source.url).pathname;
}

/**
 * An Alertmanager `webhook_configs` body (version 4) for one group, as
 * Alertmanager 0.25 sends it.
 * @example alertmanagerBody({ group: "db", alerts: [{ labels: { alertname: "HighLatency", instance: "db-prod" } }] })
 */
export function alertmanagerBody(props: {
  group: string;
  status?: "firing" | "resolved";
  alerts: Array<{ labels: Record<string, string>; annotations?: Record<string, string>; status?: "firing" | "resolved" }>;
  commonAnnotations?: Record<string, string>;
}): Record<string, unknown> {
  const status = props.status ?? "firing";
  const alerts = props.alerts.map((alert, i) => ({
    status: alert.status ?? status,
    labels: alert.labels,
    annotations: alert.annotations ?? {},
    startsAt: "2029-06-01T10:00:00.000Z",
    endsAt: status === "resolved" ? "2029-06-01T10:30:00.000Z" : "0001-01-01T00:00:00Z",
    generatorURL: "http://prometheus.example:9090/graph",
    fingerprint: `${props.group}-${i}`,
  }));
  const common = Object.fromEntries(
    Object.entries(props.alerts[0]?.labels ?? {}).filter(([key, value]) => props.alerts.every((a) => a.labels[key] === value)),
  );
  return {
    version: "4",
    groupKey: `{}:{group="${props.group}"}`,
    truncatedAlerts: 0,
    status,
    receiver: "sitrep",
    groupLabels: { alertname: common.alertname ?? props.group },
    commonLabels: common,
    commonAnnotations: props.commonAnnotations ?? {},
    externalURL: "http://alertmanager.example:9093",
    alerts,
  };
}
