/**
 * @module bench/p4-incident-start
 * P4: starting an incident with 1,000 active incidents present, as a ratio
 * to one post create measured in the same run (target ≤ 5). A start is the
 * whole of it through HTTP `POST /plugins/incident/api/v1/incidents`: the
 * channel created, the commander, the bot and 5 invitees added, a playbook's
 * 3 stages and 9 checklist items copied (due times, role and username
 * assignees resolved), the opening post (with its mentions), the timeline
 * entry, the realtime events, the reminder jobs. A post create is
 * `POST /api/v4/posts` into a channel of 31 members. Both through the real
 * server on SQLite with the Incident plugin built by the real build script
 * and installed through the API; the client is a worker thread, one request
 * at a time over keep-alive. The 1,000 incidents are started the same way
 * first (they are also the warm-up). Then 6 rounds, each timing 15 starts
 * and 15 posts, in an order alternating from round to round; the ratio is
 * the median start over the median post.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { channelMemberAdder } from "../server/services/channels.ts";
import { BenchWorker, installIncidentPlugin, median, seedWorkspace, startBenchServer, tmpDir, type BenchCase } from "./support.ts";

const ACTIVE = 1_000;
const ROUNDS = 6;
const PER_ROUND = 15;
const TARGET = 5;

const timedAnswer = z.object({ ms: z.array(z.number()), last: z.string() });

/** The playbook every start uses: what a real team's playbook holds. */
function benchPlaybook(props: { team: string; invite: string[]; assignee: string }): string {
  return `name: Bench start
team: ${props.team}
description: Incident start benchmark.
channel:
  name_template: "inc-{{seq}}-{{slug}}"
invite: [${props.invite.join(", ")}]
severities: [SEV1, SEV2, SEV3]
default_severity: SEV2
roles: [scribe, comms]
update_every: 30m
stages:
  - name: Triage
    checklist:
      - Assess customer impact
      - {title: Page the service owner, due: 10m, assignee: commander}
      - {title: Open the bridge, assignee: scribe}
  - name: Mitigation
    checklist:
      - {title: Roll back the last deploy, due: 15m}
      - Fail over the database
      - {title: Post a status update, assignee: comms}
  - name: Resolved
    checklist: [Confirm recovery, {title: Close the bridge, assignee: "${props.assignee}"}]
checklist: [Write the retrospective]
fields:
  service: {required: true}
`;
}

export const p4IncidentStart: BenchCase = {
  id: "P4",
  title: "incident start with 1,000 active incidents vs one post create",
  async run() {
    const tmp = tmpDir("p4");
    const playbooksDir = path.join(tmp.dir, "no-playbooks");
    fs.mkdirSync(playbooksDir);
    process.env.SITREP_PLAYBOOKS_DIR = playbooksDir;
    const server = await startBenchServer(path.join(tmp.dir, "server"));
    const worker = new BenchWorker("timed-requests.mjs", null);
    try {
      const seeded = await seedWorkspace(server, 30);
      const admin = seeded.author;
      const teamId = seeded.channel.team_id;
      const team = await server.host.db.selectFrom("teams").select("name").where("id", "=", teamId).executeTakeFirstOrThrow();
      const api = async (method: string, urlPath: string, body?: unknown) => {
        const res = await fetch(`${server.url}${urlPath}`, {
          method,
          headers: { authorization: `Bearer ${admin.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status >= 300) throw new Error(`${method} ${urlPath}: ${res.status} ${text.slice(0, 300)}`);
        return z.looseObject({}).parse(text ? JSON.parse(text) : {});
      };
      await installIncidentPlugin({ server, token: admin.token, outDir: tmp.dir });
      const members = seeded.members.map((m) => m.user.username);
      const source = benchPlaybook({ team: team.name, invite: members.slice(0, 5), assignee: members[5] ?? admin.user.username });
      const playbook = z
        .object({ id: z.string() })
        .parse(await api("POST", "/plugins/incident/api/v1/playbooks", { team_id: teamId, source }));
      for (const member of seeded.members) await channelMemberAdder(server.host, { channelId: seeded.channel.id, userId: member.user.id });

      const startsUrl = `${server.url}/plugins/incident/api/v1/incidents`;
      const postsUrl = `${server.url}/api/v4/posts`;
      let n = 0;
      const startBodies = (count: number) =>
        Array.from({ length: count }, () => ({
          name: `Bench ${n} down`,
          team_id: teamId,
          playbook_id: playbook.id,
          fields: { service: `svc${n++}` },
        }));
      const starts = (count: number) =>
        worker.ask<unknown>({ type: "timed", url: startsUrl, token: admin.token, bodies: startBodies(count), status: 201 });
      const posts = (count: number) =>
        worker.ask<unknown>({
          type: "timed",
          url: postsUrl,
          token: admin.token,
          bodies: Array.from({ length: count }, (_, i) => ({
            channel_id: seeded.channel.id,
            message: `Checkout latency is up again, p99 ${i} ms`,
          })),
          status: 201,
        });
      await starts(ACTIVE);
      await posts(100);
      const startMs: number[] = [];
      const postMs: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 ? ["post", "start"] : ["start", "post"];
        for (const kind of order) {
          if (kind === "start") startMs.push(...timedAnswer.parse(await starts(PER_ROUND)).ms);
          else postMs.push(...timedAnswer.parse(await posts(PER_ROUND)).ms);
        }
      }
      await server.host.hooks.idle();
      // Every start did all of it: the check that the figure is of real work.
      const listed = await api("GET", `/plugins/incident/api/v1/incidents?team_id=${teamId}&status=active&per_page=1`);
      const active = z.object({ total_count: z.number() }).parse(listed).total_count;
      const expected = ACTIVE + ROUNDS * PER_ROUND;
      if (active !== expected) throw new Error(`P4: ${active} active incidents, expected ${expected}`);
      const start = median(startMs);
      const post = median(postMs);
      const ratio = start / post;
      return {
        line: `P4 incident start with ${ACTIVE.toLocaleString("en-US")} active incidents: ${start.toFixed(1)} ms, post create: ${post.toFixed(2)} ms, ratio ${ratio.toFixed(2)} (target <= ${TARGET})`,
        ratio,
        met: ratio <= TARGET,
      };
    } finally {
      await worker.stop();
      await server.close();
      tmp.remove();
    }
  },
};

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const outcome = await p4IncidentStart.run();
  console.log(outcome.line);
  process.exit(outcome.met ? 0 : 1);
}
