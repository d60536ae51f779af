/**
 * Forwarding regexes are RE2: a playbook using lookaround or a backreference
 * is refused on apply with the reason, and an active incident whose stored
 * rule no longer compiles (stored while regexes were JavaScript's) has that
 * rule switched off, once, with a post in its channel — when the rules are
 * loaded (activation) and when they are reloaded from the playbook.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, commandResponseSchema } from "#common/wire-schemas.ts";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import { channelPosts, expectBody, withIdSchema, type TestClient, type TestServer } from "#testing";
import { FORWARDED_POST_TYPE } from "../../common/forwarded-post.ts";
import { incidentAnswerSchema, UPDATE_POST_TYPE, type Incident } from "../../common/types.ts";
import { API, slash, startIncident, startIncidentServer } from "../test-server.ts";

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
let team: Team;
let alerts: Channel;

beforeAll(async () => {
  server = await startIncidentServer();
  admin = await server.admin();
  team = await server.createTeam(admin);
  alerts = await server.createChannel(admin, { teamId: team.id, name: "alerts" });
});
afterAll(async () => {
  await server?.close();
});

const RULES = ["forwarding:", "  - {from: [alerts], keywords: [db-prod]}", '  - {from: [alerts], regex: "ERR-[0-9]+"}'].join("\n");
const LOOKBEHIND = "(?<=code )ERR-[0-9]+";
const LOOKBEHIND_REASON =
  "the regex is not valid RE2 syntax: invalid named capture: `(?<=code )ERR-[0-9]+`; RE2 syntax has no lookaround ((?=, (?!, (?<=, (?<!) and no backreferences (\\1)";

async function playbook(name: string): Promise<string> {
  const res = await admin.post(`${API}/playbooks`, { team_id: team.id, source: `name: ${name}\n${RULES}\n` }, withIdSchema);
  expect(res.status).toBe(201);
  return res.body.id;
}

async function incidentOf(id: string): Promise<Incident> {
  return expectBody(await admin.get(`${API}/incidents/${id}`), incidentAnswerSchema);
}

/** The bot's `rules_switched_off` posts in the incident channel. */
async function switchOffPosts(incident: Incident): Promise<Post[]> {
  await server.host.hooks.idle();
  return (await channelPosts(admin, incident.channel_id)).filter(
    (post) => post.type === UPDATE_POST_TYPE && post.props.action === "rules_switched_off",
  );
}

async function forwardedExcerpts(incident: Incident): Promise<unknown[]> {
  await server.host.hooks.idle();
  return (await channelPosts(admin, incident.channel_id)).filter((p) => p.type === FORWARDED_POST_TYPE).map((p) => p.props.excerpt);
}

async function say(message: string): Promise<void> {
  expect((await admin.post("/api/v4/posts", { channel_id: alerts.id, message })).status).toBe(201);
  await server.host.hooks.idle();
}

async function restartPlugin(): Promise<void> {
  expect((await admin.post("/api/v4/plugins/incident/disable")).status).toBe(200);
  expect((await admin.post("/api/v4/plugins/incident/enable")).status).toBe(200);
}

describe("RE2 forwarding regexes", () => {
  it("refuses a playbook whose regex uses lookaround or a backreference, with the reason and position", async () => {
    for (const [regex, reason] of [
      ["(?=ERR)ERR-[0-9]+", "invalid or unsupported Perl syntax: `(?=`"],
      ["(?!ok)ERR", "invalid or unsupported Perl syntax: `(?!`"],
      ["(a)\\\\1", "invalid escape sequence: `\\1`"],
    ] as const) {
      const source = `name: Lookaround\nforwarding:\n  - from: [alerts]\n    regex: "${regex}"\n`;
      const res = await admin.post(`${API}/playbooks`, { team_id: team.id, source }, apiErrorBodySchema);
      expect(res.status).toBe(400);
      expect(res.body.id).toBe("incident.playbook.invalid");
      expect(res.body.message).toBe(
        `source: the playbook is invalid, 1 problem: 4:12: forwarding.0.regex: the regex is not valid RE2 syntax: ${reason}; RE2 syntax has no lookaround ((?=, (?!, (?<=, (?<!) and no backreferences (\\1)`,
      );
    }
    const unclosed = await admin.post(
      `${API}/playbooks`,
      { team_id: team.id, source: 'name: Unclosed\nforwarding:\n  - {from: [alerts], regex: "a("}\n' },
      apiErrorBodySchema,
    );
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.message).toBe(
      "source: the playbook is invalid, 1 problem: 3:29: forwarding.0.regex: the regex is not valid RE2 syntax: missing closing ): `a(`",
    );
  });

  it("switches off, once and with a post, a stored rule that no longer compiles when the rules are loaded", async () => {
    const incident = await startIncident(admin, { name: "Stored before RE2", team_id: team.id, playbook_id: await playbook("Old rules") });
    expect(incident.forwarding).toHaveLength(2);
    // As a rule stored while regexes were JavaScript's: a lookbehind.
    const stored = [incident.forwarding[0], { ...incident.forwarding[1], regex: LOOKBEHIND }];
    await sql`UPDATE incident_incidents SET forwarding = ${JSON.stringify(stored)} WHERE id = ${incident.id}`.execute(server.host.db);

    await restartPlugin();
    const posts = await switchOffPosts(incident);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.message).toBe(
      [
        "A forwarding rule was switched off: its regex is not valid RE2 syntax, so nothing was forwarded by it.",
        `2. from ~alerts and regex \`${LOOKBEHIND}\` — ${LOOKBEHIND_REASON}`,
        "Fix the regex in the playbook, then run `/incident rules reload` here.",
      ].join("\n"),
    );
    expect(posts[0]?.props).toMatchObject({ incident_id: incident.id, rule_numbers: [2], reasons: [LOOKBEHIND_REASON], rule_count: 1 });
    expect((await incidentOf(incident.id)).forwarding).toEqual([incident.forwarding[0]]);

    await say("code ERR-1234 in the logs");
    await say("db-prod is slow");
    expect(await forwardedExcerpts(incident)).toEqual(["db-prod is slow"]);

    // Loaded again: nothing left to switch off, no second post.
    await restartPlugin();
    expect(await switchOffPosts(incident)).toHaveLength(1);

    // The playbook's own rules come back with a reload.
    const reload = await slash(admin, {
      channel: { id: incident.channel_id, team_id: team.id } as Channel,
      command: "/incident rules reload",
    });
    expect(expectBody(reload, commandResponseSchema).text).toBe("Reloaded 2 forwarding rules of **Stored before RE2** from its playbook.");
    await say("saw ERR-77");
    expect(await forwardedExcerpts(incident)).toEqual(["db-prod is slow", "saw ERR-77"]);
  });

  it("switches off a rule that no longer compiles when it is reloaded from a playbook stored before RE2", async () => {
    const playbookId = await playbook("Old playbook");
    const incident = await startIncident(admin, { name: "Reloaded", team_id: team.id, playbook_id: playbookId });
    const spec = {
      name: "Old playbook",
      description: "",
      channel: { private: false },
      invite: [],
      checklist: [],
      fields: {},
      forwarding: [{ from: ["alerts"], keywords: [], exclude_keywords: [], authors: [], match: "any", regex: "(a)\\1" }],
    };
    await sql`UPDATE incident_playbooks SET spec = ${JSON.stringify(spec)} WHERE id = ${playbookId}`.execute(server.host.db);

    const reload = await slash(admin, {
      channel: { id: incident.channel_id, team_id: team.id } as Channel,
      command: "/incident rules reload",
    });
    expect(reload.status).toBe(200);
    const posts = await switchOffPosts(incident);
    expect(posts.map((p) => p.props.reasons)).toEqual([
      [
        "the regex is not valid RE2 syntax: invalid escape sequence: `\\1`; RE2 syntax has no lookaround ((?=, (?!, (?<=, (?<!) and no backreferences (\\1)",
      ],
    ]);
    expect((await incidentOf(incident.id)).forwarding).toEqual([]);
  });
});
