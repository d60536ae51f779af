/**
 * The real Prometheus Alertmanager (Debian's `prometheus-alertmanager`,
 * 0.25) posting its `webhook_configs` to an alert source: a firing alert
 * starts one incident; Alertmanager's re-sends of the group (every
 * repeat_interval, here a second) add no incident and no post; the
 * resolution is posted in the incident channel.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { channelPosts, eventually, type TeamSeed, type TestServer } from "#testing";
import type { AlertSourceCreated } from "../../common/alert-types.ts";
import { incidentAnswerSchema, pageAnswerSchema, type Incident } from "../../common/types.ts";
import { API, startIncidentServer } from "../test-server.ts";
import {
  ALERTMANAGER_WAIT_MS,
  fireAlerts,
  requireAlertmanager,
  startAlertmanager,
  withLog,
  type Alertmanager,
} from "../testdata/alertmanager-process.ts";
import { createAlertSource, intakePath } from "./testdata/alert-kit.ts";

const haveAlertmanager = requireAlertmanager("alertmanager-intake.test.ts");

/** One route to the alert source; short waits, and a repeat every second, so re-sends come quickly. */
function config(url: string): string {
  return [
    "route:",
    "  receiver: sitrep",
    "  group_by: [alertname, instance]",
    "  group_wait: 1s",
    "  group_interval: 1s",
    "  repeat_interval: 1s",
    "receivers:",
    "  - name: sitrep",
    "    webhook_configs:",
    `      - url: ${JSON.stringify(url)}`,
    "        send_resolved: true",
  ].join("\n");
}

describe.skipIf(!haveAlertmanager)("a real Alertmanager posting to an alert source", { timeout: 3 * ALERTMANAGER_WAIT_MS }, () => {
  let server: TestServer;
  let seed: TeamSeed;
  let source: AlertSourceCreated;
  let am: Alertmanager | undefined;
  let tmp: string;
  let incident: Incident;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-am-intake-"));
    server = await startIncidentServer();
    await server.admin();
    seed = await server.seedTeam();
    source = await createAlertSource(seed.alice, {
      team_id: seed.team.id,
      name: "Alertmanager",
      kind: "alertmanager",
      severity_label: "severity",
      commander_user_id: seed.bob.user.id,
    });
    // The URL's site is the configured one; the test server listens elsewhere.
    am = await startAlertmanager({ dir: tmp, config: config(`${server.url}${intakePath(source)}`) });
  });

  afterAll(async () => {
    await am?.stop();
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function running(): Alertmanager {
    if (!am) throw new Error("Alertmanager did not start");
    return am;
  }

  async function incidents(): Promise<Incident[]> {
    const res = await seed.alice.get(`${API}/incidents?team_id=${seed.team.id}`, pageAnswerSchema(incidentAnswerSchema));
    return res.body.items;
  }

  /** Notifications the source received for its groups, re-sends included. */
  async function notifications(): Promise<number> {
    const rows = await sql<{ n: number | string | null }>`SELECT sum(notifications) AS n FROM incident_alert_groups`.execute(
      server.host.db,
    );
    return Number(rows.rows[0]?.n ?? 0);
  }

  const alert = {
    labels: { alertname: "HighLatency", instance: "db-prod", severity: "critical" },
    annotations: { summary: "p99 latency above 2s" },
  };

  it("starts one incident from the firing alert, with the source's commander and the mapped severity", async () => {
    await fireAlerts(running(), [alert]);
    const [found] = await eventually(
      async () => {
        const list = await incidents();
        return list.length ? list : undefined;
      },
      withLog(am, "the incident started by Alertmanager's notification"),
    );
    if (!found) throw new Error("no incident");
    incident = found;
    expect(incident).toMatchObject({
      name: "p99 latency above 2s",
      commander_user_id: seed.bob.user.id,
      severity: "SEV1",
      status: "active",
    });
  });

  it("adds no incident and no post for Alertmanager's re-sends of the group", async () => {
    const posts = (await channelPosts(seed.bob, incident.channel_id)).length;
    // repeat_interval is a second: wait until Alertmanager has sent the group at least three more times.
    await eventually(async () => ((await notifications()) >= 4 ? true : undefined), withLog(am, "three re-sends of the group"));
    expect((await incidents()).map((i) => i.id)).toEqual([incident.id]);
    expect((await channelPosts(seed.bob, incident.channel_id)).length).toBe(posts);
  });

  it("posts the resolution in the incident channel", async () => {
    await fireAlerts(running(), [{ ...alert, endsAt: new Date().toISOString() }]);
    const resolved = await eventually(
      async () => (await channelPosts(seed.bob, incident.channel_id)).find((p) => p.props.action === "alert_resolved"),
      withLog(am, "the resolution in the incident channel"),
    );
    expect(resolved.message).toContain("**[RESOLVED]** The alert group from **Alertmanager** resolved");
    expect(resolved.message).toContain("✅ resolved **HighLatency** `instance=db-prod severity=critical` p99 latency above 2s");
    expect((await incidents()).map((i) => [i.id, i.status])).toEqual([[incident.id, "active"]]);
  });
});
