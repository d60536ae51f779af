/**
 * Reminders on the host's run-once jobs and injected clock: a playbook's
 * `update_every` reminds the commander once per overdue period, a status
 * update starts the period again, an overdue checklist item is said once —
 * in one process, and with two processes on one PostgreSQL, one of them
 * restarted mid-period.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Post, User } from "#common/wire.ts";
import { channelPosts, ManualClock, startTestServer, testDialect, type TestClient, type TestServer } from "#testing";
import { API, applyPlaybook, mentionCount, startIncident, startIncidentServer } from "./test-server.ts";

type Client = TestClient & { user: User };
const START = Date.UTC(2030, 0, 1, 9, 0, 0);
const SECOND = 1000;
/** The playbook's `update_every`: short, since the host's job poller ticks every second of the clock's time. */
const PERIOD = 120 * SECOND;
const servers: TestServer[] = [];
afterAll(async () => {
  // The first server owns the workspace: close it last.
  for (const server of servers.reverse()) await server.close();
});

const PLAYBOOK = `name: Timed
update_every: 2m
stages:
  - name: Triage
    checklist:
      - {title: Page the DBA, due: 40s}
      - Assess impact
`;

/** The bot's notices of one action in the channel. */
async function notices(client: TestClient, channelId: string, action: string): Promise<Post[]> {
  return (await channelPosts(client, channelId)).filter((p) => p.props.action === action);
}

/** Move each clock forward ten seconds at a time, the processes polling side by side. */
async function advance(clocks: ManualClock[], ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 10 * SECOND)
    await Promise.all(clocks.map((clock) => clock.advance(Math.min(10 * SECOND, ms - done))));
}

async function setUp(server: TestServer): Promise<{ alice: Client; teamId: string; playbookId: string }> {
  const alice = await server.createUser();
  const team = await server.createTeam(alice);
  return { alice, teamId: team.id, playbookId: await applyPlaybook(alice, { teamId: team.id, source: PLAYBOOK }) };
}

describe("reminders in one process", () => {
  it(
    "remind the commander once per overdue period, start again after an update, and stop at the end; an overdue item is said once",
    { timeout: 120_000 },
    async () => {
      const clock = new ManualClock(START);
      const server = await startIncidentServer({ clock });
      servers.push(server);
      const { alice, teamId, playbookId } = await setUp(server);
      const incident = await startIncident(alice, { name: "Timed", team_id: teamId, playbook_id: playbookId });
      expect(incident.create_at).toBe(START);
      const reminders = async () => (await notices(alice, incident.channel_id, "status_update_due")).length;

      await advance([clock], PERIOD - 10 * SECOND);
      expect(await reminders()).toBe(0);
      const mentionsBefore = await mentionCount(alice, { teamId, channelId: incident.channel_id });
      const overdue = await notices(alice, incident.channel_id, "checklist_item_overdue");
      expect(overdue.map((p) => p.message)).toEqual(['Item 1 "Page the DBA" is overdue: it was due 0s ago.']);
      await advance([clock], 20 * SECOND);
      const [first] = await notices(alice, incident.channel_id, "status_update_due");
      expect(first?.message).toBe(
        `@${alice.user.username}, a status update is due: no status update has been posted since the start 2m ago, and this incident expects one every 2m. Post one with \`/incident update <text>\`.`,
      );
      // The reminder mentions the commander, by the host's mention rule.
      expect(await mentionCount(alice, { teamId, channelId: incident.channel_id })).toBe(mentionsBefore + 1);
      await advance([clock], PERIOD - 20 * SECOND);
      expect(await reminders()).toBe(1);
      await advance([clock], 20 * SECOND);
      expect(await reminders()).toBe(2);

      // An update at 2P+10s: the next is due at 3P+10s.
      expect((await alice.post(`${API}/incidents/${incident.id}/status-updates`, { message: "Still on it" })).status).toBe(201);
      await advance([clock], PERIOD - 10 * SECOND);
      expect(await reminders()).toBe(2);
      await advance([clock], 20 * SECOND);
      expect(await reminders()).toBe(3);
      expect((await notices(alice, incident.channel_id, "status_update_due")).at(-1)?.message).toContain(
        "the last status update was posted 2m ago",
      );
      expect((await notices(alice, incident.channel_id, "checklist_item_overdue")).length).toBe(1);

      expect((await alice.post(`${API}/incidents/${incident.id}/end`)).status).toBe(200);
      await advance([clock], 2 * PERIOD);
      expect(await reminders()).toBe(3);
    },
  );
});

describe.skipIf(testDialect !== "postgres")("reminders with two processes on one PostgreSQL", () => {
  it("remind exactly once per overdue period, one process restarted mid-period", { timeout: 120_000 }, async () => {
    const clockA = new ManualClock(START);
    const first = await startIncidentServer({ clock: clockA });
    servers.push(first);
    const { alice, teamId, playbookId } = await setUp(first);
    /** Another process of the same workspace: its own data directory and clock, the same PostgreSQL schema. */
    const openProcess = async (clock: ManualClock) => {
      const server = await startTestServer({
        pgSchema: first.config.pgSchema,
        prepackagedPluginsDir: first.config.prepackagedPluginsDir,
        clock,
      });
      expect((await server.host.plugins.list()).active.map((p) => p.id)).toContain("incident");
      return server;
    };
    const clockB = new ManualClock(START);
    const second = await openProcess(clockB);
    const incident = await startIncident(alice, { name: "Shared", team_id: teamId, playbook_id: playbookId });

    await advance([clockA, clockB], 1.5 * PERIOD);
    // Restart the second process mid-period; meanwhile the first one stops polling, so the
    // next reminder can only come from the restarted process, which finds the job in the database.
    await second.close();
    const clockC = new ManualClock(clockA.now());
    const restarted = await openProcess(clockC);
    servers.push(restarted);
    await advance([clockC], 0.5 * PERIOD + 20 * SECOND);
    // The first process catches up: the 60m reminder is done, so it finds nothing to say.
    await clockA.advance(clockC.now() - clockA.now());
    await advance([clockA, clockC], 2 * PERIOD);

    const reminders = await notices(alice, incident.channel_id, "status_update_due");
    expect(reminders.map((p) => (Number(p.props.due_at) - START) / PERIOD)).toEqual([1, 2, 3, 4]);
    expect((await notices(alice, incident.channel_id, "checklist_item_overdue")).length).toBe(1);
  });
});
