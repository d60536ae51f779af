/**
 * @module bench/p8-alert-intake
 * P8: alert intake with deduplication on one process, as requests/s and as a
 * ratio to a plain post create measured in the same run (target: a re-send
 * costs no more than a post create, ratio ≥ 1). Through the real server on
 * SQLite with the Incident plugin built by the real build script and
 * installed through the API, an Alertmanager alert source (commander set, no
 * playbook), and a worker thread sending over keep-alive with 8 in flight:
 * - 1,000 distinct groups: each a firing Alertmanager v4 notification that
 *   starts its incident (channel, members, opening post, the alerts' post,
 *   timeline entries, realtime events);
 * - 10,000 re-sends of those groups (each group ten times): each looked up by
 *   its token's hash and its group key's claim row, counted, and answered
 *   `repeated` without a post;
 * - the baseline: `POST /api/v4/posts` into a channel of 31 members, 2,000
 *   posts, after 200 of warm-up.
 * The check that the figures are of real work: exactly 1,000 active incidents
 * afterwards, each group counted 11 times.
 */
import path from "node:path";
import { sql } from "kysely";
import { z } from "zod";
import { channelMemberAdder } from "../server/services/channels.ts";
import { BenchWorker, installIncidentPlugin, seedWorkspace, startBenchServer, tmpDir, type BenchCase } from "./support.ts";

const GROUPS = 1_000;
const RESENDS = 10_000;
const POSTS = 2_000;
const CONCURRENCY = 8;
const TARGET = 1;

const loadResult = z.object({ elapsedMs: z.number(), failed: z.number(), firstFailure: z.string() });

/** A firing Alertmanager `webhook_configs` body (version 4) of group `n`. */
function notification(n: number): Record<string, unknown> {
  const labels = { alertname: "HighLatency", instance: `db-${n}`, severity: "critical" };
  return {
    version: "4",
    groupKey: `{}:{alertname="HighLatency", instance="db-${n}"}`,
    truncatedAlerts: 0,
    status: "firing",
    receiver: "sitrep",
    groupLabels: { alertname: "HighLatency", instance: `db-${n}` },
    commonLabels: labels,
    commonAnnotations: { summary: `p99 latency above 2s on db-${n}` },
    externalURL: "http://127.0.0.1:9093",
    alerts: [
      {
        status: "firing",
        labels,
        annotations: { summary: `p99 latency above 2s on db-${n}` },
        startsAt: "2029-06-01T10:00:00.000Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://127.0.0.1:9090/graph",
        fingerprint: `fp${n}`,
      },
    ],
  };
}

export const p8AlertIntake: BenchCase = {
  id: "P8",
  title: "alert intake with deduplication (1,000 groups, 10,000 re-sends) vs one post create",
  async run() {
    const tmp = tmpDir("p8");
    const server = await startBenchServer(path.join(tmp.dir, "server"));
    const worker = new BenchWorker("http-load.mjs", null);
    try {
      const seeded = await seedWorkspace(server, 30);
      const admin = seeded.author;
      const teamId = seeded.channel.team_id;
      for (const member of seeded.members) await channelMemberAdder(server.host, { channelId: seeded.channel.id, userId: member.user.id });
      await installIncidentPlugin({ server, token: admin.token, outDir: tmp.dir });
      const created = await fetch(`${server.url}/plugins/incident/api/v1/alert-sources`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" },
        body: JSON.stringify({
          team_id: teamId,
          name: "Bench",
          kind: "alertmanager",
          severity_label: "severity",
          commander_user_id: admin.user.id,
        }),
      });
      if (created.status !== 201) throw new Error(`P8: alert source: ${created.status} ${await created.text()}`);
      const { url } = z.object({ url: z.string() }).parse(await created.json());
      const intakeUrl = `${server.url}${new URL(url).pathname}`;
      const bodies = Array.from({ length: GROUPS }, (_, n) => notification(n));

      const rate = async (command: Record<string, unknown>, total: number) => {
        const result = loadResult.parse(await worker.ask({ type: "load", concurrency: CONCURRENCY, total, ...command }));
        if (result.failed) throw new Error(`P8: ${result.failed} of ${total} requests failed; first: ${result.firstFailure}`);
        return (total / result.elapsedMs) * 1000;
      };
      const postLoad = {
        url: `${server.url}/api/v4/posts`,
        token: admin.token,
        bodies: Array.from({ length: 50 }, (_, i) => ({
          channel_id: seeded.channel.id,
          message: `Checkout latency is up again, p99 ${i} ms`,
        })),
      };
      await rate(postLoad, 200);
      const starts = await rate({ url: intakeUrl, bodies, okStatuses: [201] }, GROUPS);
      const resends = await rate({ url: intakeUrl, bodies, okStatuses: [200] }, RESENDS);
      const posts = await rate(postLoad, POSTS);
      await server.host.hooks.idle();

      const incidents = await sql<{ n: number | string }>`SELECT count(*) AS n FROM incident_incidents WHERE status = 'active'`.execute(
        server.host.db,
      );
      const counted = await sql<{
        n: number | string;
      }>`SELECT count(*) AS n FROM incident_alert_groups WHERE notifications = ${1 + RESENDS / GROUPS}`.execute(server.host.db);
      if (Number(incidents.rows[0]?.n) !== GROUPS)
        throw new Error(`P8: ${String(incidents.rows[0]?.n)} active incidents, expected ${GROUPS}`);
      if (Number(counted.rows[0]?.n) !== GROUPS)
        throw new Error(`P8: ${String(counted.rows[0]?.n)} groups counted ${1 + RESENDS / GROUPS} times, expected ${GROUPS}`);
      const ratio = resends / posts;
      const f = (n: number) => n.toFixed(0);
      return {
        line:
          `P8 alert intake: ${GROUPS.toLocaleString("en-US")} distinct groups ${f(starts)} req/s (each starts an incident; ratio ${(starts / posts).toFixed(2)}), ` +
          `${RESENDS.toLocaleString("en-US")} re-sends ${f(resends)} req/s, post create ${f(posts)} posts/s, re-send ratio ${ratio.toFixed(2)} (target >= ${TARGET})`,
        ratio,
        met: ratio >= TARGET,
      };
    } finally {
      await worker.stop();
      await server.close();
      tmp.remove();
    }
  },
};
