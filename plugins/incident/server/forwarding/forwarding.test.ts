/**
 * Message forwarding through the real server, with the Incident plugin built
 * and installed: each kind of rule, one copy per incident, no loops, no leaks
 * from private channels, rules ending with their incident, `/incident rules
 * reload`, and rules surviving a disable/enable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, commandResponseSchema, userSchema } from "#common/wire-schemas.ts";
import { incidentAnswerSchema } from "../../common/types.ts";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import type { TestClient, TestServer } from "#testing";
import { FORWARDED_POST_TYPE } from "../../common/forwarded-post.ts";
import type { Incident } from "../../common/types.ts";
import { API, slash, startIncident, startIncidentServer } from "../test-server.ts";
import { channelPosts, expectBody, incomingHookSchema, itemAt, withIdSchema } from "#testing";

type Client = TestClient & { user: User };

let server: TestServer;
let admin: Client;
let alice: Client;

beforeAll(async () => {
  server = await startIncidentServer();
  admin = await server.admin();
  alice = await server.createUser();
});
afterAll(async () => {
  await server?.close();
});

interface Workspace {
  team: Team;
  alerts: Channel;
  support: Channel;
  secret: Channel;
}

/** A team with public ~alerts and ~support and private ~secret, alice a member of each. */
async function workspace(): Promise<Workspace> {
  const team = await server.createTeam(admin);
  const [alerts, support, secret] = [
    await server.createChannel(admin, { teamId: team.id, name: "alerts" }),
    await server.createChannel(admin, { teamId: team.id, name: "support" }),
    await server.createChannel(admin, { teamId: team.id, name: "secret", type: "P" }),
  ];
  for (const channel of [alerts, support, secret]) await server.addToChannel(admin, { channel, user: alice.user });
  return { team, alerts, support, secret };
}

/** Apply a playbook with these forwarding rules (YAML lines under `forwarding:`); returns its id. */
async function playbook(team: Team, props: { name?: string; forwarding: string; fields?: string }): Promise<string> {
  const source = [
    `name: ${props.name ?? "Outage"}`,
    ...(props.fields ? ["fields:", props.fields] : []),
    "forwarding:",
    props.forwarding,
  ].join("\n");
  const res = await admin.post(`${API}/playbooks`, { team_id: team.id, source }, withIdSchema);
  if (res.status !== 200 && res.status !== 201) throw new Error(`playbook: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

async function start(team: Team, playbookId: string, fields?: Record<string, string>): Promise<Incident> {
  return startIncident(admin, {
    name: `Incident ${Math.random().toString(36).slice(2, 8)}`,
    team_id: team.id,
    playbook_id: playbookId,
    fields,
  });
}

/** Post as `client`, then wait until the host's hooks (the matching and the copies) are done. */
async function say(client: Client, channel: Channel, message: string, props?: Record<string, unknown>): Promise<Post> {
  const res = await client.post("/api/v4/posts", { channel_id: channel.id, message, props });
  expect(res.status).toBe(201);
  await server.host.hooks.idle();
  return res.body as Post;
}

async function forwarded(incident: Incident): Promise<Post[]> {
  await server.host.hooks.idle();
  return (await channelPosts(admin, incident.channel_id)).filter((post) => post.type === FORWARDED_POST_TYPE);
}

describe("message forwarding", () => {
  it("copies a post that meets a rule, with author, source channel and permalink; keywords are whole words in any case", async () => {
    const w = await workspace();
    const incident = await start(w.team, await playbook(w.team, { forwarding: "  - {from: [alerts], keywords: [db-prod]}" }));
    expect(incident.forwarding).toEqual([{ from: ["alerts"], keywords: ["db-prod"], exclude_keywords: [], authors: [], match: "any" }]);

    const original = await say(alice, w.alerts, "Latency on DB-PROD is climbing");
    await say(alice, w.alerts, "db-production is fine, db_prod too");
    await say(alice, w.support, "db-prod is down says a customer");

    const copies = await forwarded(incident);
    expect(copies).toHaveLength(1);
    const copy = itemAt(copies, 0, "forwarded copy");
    const permalink = `${server.config.siteUrl}/${w.team.name}/pl/${original.id}`;
    expect(copy.props).toMatchObject({
      incident_id: incident.id,
      source_post_id: original.id,
      source_channel_id: w.alerts.id,
      source_channel_name: "alerts",
      author_id: alice.user.id,
      author_name: alice.user.username,
      permalink,
      excerpt: "Latency on DB-PROD is climbing",
      rule_indexes: [0],
    });
    expect(copy.message).toContain(`~alerts by @${alice.user.username}`);
    expect(copy.message).toContain(permalink);
    expect(copy.message).toContain("> Latency on DB-PROD is climbing");
    const bot = await admin.get(`/api/v4/users/${copy.user_id}`, userSchema);
    expect(bot.body.username).toBe("incident");
  });

  it('reads every public channel with "*", never a private one (even one the rule names)', async () => {
    const w = await workspace();
    const everywhere = await start(w.team, await playbook(w.team, { forwarding: '  - {from: "*", keywords: [db-prod]}' }));
    const named = await start(w.team, await playbook(w.team, { name: "Named", forwarding: "  - {from: [secret], keywords: [db-prod]}" }));
    await say(alice, w.support, "db-prod from support");
    await say(alice, w.secret, "db-prod secret: the root password is hunter2");
    const copies = await forwarded(everywhere);
    expect(copies.map((p) => p.props.source_channel_name)).toEqual(["support"]);
    expect(copies.some((p) => p.message.includes("hunter2"))).toBe(false);
    expect(await forwarded(named)).toEqual([]);
  });

  it("stops reading a channel that becomes private", async () => {
    const w = await workspace();
    const incident = await start(w.team, await playbook(w.team, { forwarding: "  - {from: [alerts], keywords: [db-prod]}" }));
    // There is no API to change a channel's type yet: change the row as a migration would, and drop the cached copy.
    await server.host.db.updateTable("channels").set({ type: "P" }).where("id", "=", w.alerts.id).execute();
    server.host.caches.channels.delete(w.alerts.id);
    await say(alice, w.alerts, "db-prod now private");
    expect(await forwarded(incident)).toEqual([]);
  });

  it("matches a regex (case-insensitive), and authors including a webhook's username, reading attachments", async () => {
    const w = await workspace();
    const incident = await start(
      w.team,
      await playbook(w.team, {
        forwarding: [
          "  - {from: [support], regex: 'ERR-[0-9]+'}",
          "  - {from: [alerts], keywords: [db-prod], authors: [alertmanager]}",
        ].join("\n"),
      }),
    );
    await say(alice, w.support, "customer saw err-503 at checkout");
    await say(alice, w.support, "customer saw ERR-x");
    await say(alice, w.alerts, "db-prod by a person, not alertmanager");

    const hook = await admin.post("/api/v4/hooks/incoming", { channel_id: w.alerts.id, display_name: "Prometheus" }, incomingHookSchema);
    expect(hook.status).toBe(201);
    const sent = await server.anonymous.post(`/hooks/${hook.body.id}`, {
      username: "alertmanager",
      attachments: [
        {
          fallback: "[FIRING:1] HighLatency",
          title: "[FIRING:1] HighLatency",
          fields: [{ title: "instance", value: "db-prod", short: true }],
        },
      ],
    });
    expect(sent.status).toBe(200);
    await server.host.hooks.idle();

    const copies = await forwarded(incident);
    expect(copies.map((p) => [p.props.source_channel_name, p.props.author_name])).toEqual([
      ["support", alice.user.username],
      ["alerts", "alertmanager"],
    ]);
    expect(itemAt(copies, 1, "forwarded copy").props.excerpt).toContain("db-prod");
    expect(itemAt(copies, 1, "forwarded copy").props.rule_indexes).toEqual([1]);
  });

  it("drops posts with an excluded keyword, and needs every keyword with match: all", async () => {
    const w = await workspace();
    const incident = await start(
      w.team,
      await playbook(w.team, {
        forwarding: [
          "  - {from: [alerts], keywords: [db-prod], exclude_keywords: [resolved]}",
          "  - {from: [support], keywords: [payments, down], match: all}",
        ].join("\n"),
      }),
    );
    await say(alice, w.alerts, "[RESOLVED] db-prod latency");
    await say(alice, w.alerts, "db-prod latency firing");
    await say(alice, w.support, "payments is slow");
    await say(alice, w.support, "payments is DOWN");
    const copies = await forwarded(incident);
    expect(copies.map((p) => p.props.excerpt)).toEqual(["db-prod latency firing", "payments is DOWN"]);
  });

  it("renders templates in the rules at start, and shows them in the incident JSON", async () => {
    const w = await workspace();
    const id = await playbook(w.team, {
      fields: "  service: {required: true}",
      forwarding: '  - {from: [alerts], keywords: ["{{fields.service}}"], exclude_keywords: ["{{fields.service}}-canary"]}',
    });
    const incident = await start(w.team, id, { service: "payments" });
    const read = await admin.get(`${API}/incidents/${incident.id}`, incidentAnswerSchema);
    expect(read.body.forwarding).toEqual([
      { from: ["alerts"], keywords: ["payments"], exclude_keywords: ["payments-canary"], authors: [], match: "any" },
    ]);
    await say(alice, w.alerts, "payments 5xx rising");
    await say(alice, w.alerts, "payments payments-canary deploy");
    expect((await forwarded(incident)).map((p) => p.props.excerpt)).toEqual(["payments 5xx rising"]);
  });

  it("makes one copy per incident however many rules match, and never forwards copies or the incident's own channel", async () => {
    const w = await workspace();
    const id = await playbook(w.team, {
      forwarding: [
        '  - {from: "*", keywords: [db-prod]}',
        "  - {from: [alerts], keywords: [latency]}",
        "  - {from: [alerts], regex: 'DB'}",
      ].join("\n"),
    });
    const first = await start(w.team, id);
    const second = await start(w.team, id);
    await say(alice, w.alerts, "db-prod latency");
    // A person writing in an incident channel: a source for the other incident, never for its own.
    await server.addToChannel(admin, { channel: { id: first.channel_id, team_id: w.team.id } as Channel, user: alice.user });
    await say(alice, { id: first.channel_id } as Channel, "db-prod seen from the war room");

    const firstCopies = await forwarded(first);
    const secondCopies = await forwarded(second);
    expect(firstCopies.map((p) => p.props.excerpt)).toEqual(["db-prod latency"]);
    expect(itemAt(firstCopies, 0, "forwarded copy").props.rule_indexes).toEqual([0, 1, 2]);
    expect(secondCopies.map((p) => p.props.excerpt)).toEqual(["db-prod latency", "db-prod seen from the war room"]);
    // The copies themselves (in public incident channels, full of "db-prod") were not forwarded again.
    expect(secondCopies.filter((p) => p.props.source_channel_id === first.channel_id).map((p) => p.props.author_id)).toEqual([
      alice.user.id,
    ]);
  });

  it("stops forwarding when the incident ends", async () => {
    const w = await workspace();
    const incident = await start(w.team, await playbook(w.team, { forwarding: "  - {from: [alerts], keywords: [db-prod]}" }));
    await say(alice, w.alerts, "db-prod before the end");
    const ended = await admin.post(`${API}/incidents/${incident.id}/end`, {});
    expect(ended.status).toBe(200);
    await say(alice, w.alerts, "db-prod after the end");
    expect((await forwarded(incident)).map((p) => p.props.excerpt)).toEqual(["db-prod before the end"]);
  });

  it("keeps a running incident's copy of the rules until /incident rules reload", async () => {
    const w = await workspace();
    const id = await playbook(w.team, { forwarding: "  - {from: [alerts], keywords: [alpha]}" });
    const incident = await start(w.team, id);
    await playbook(w.team, { forwarding: "  - {from: [alerts], keywords: [beta]}" });
    await say(alice, w.alerts, "beta before the reload");
    await say(alice, w.alerts, "alpha before the reload");

    const channel = { id: incident.channel_id, team_id: w.team.id } as Channel;
    const usage = await slash(admin, { channel, command: "/incident rules" });
    expect(usage.status).toBe(400);
    expect(expectBody(usage, apiErrorBodySchema).message).toBe("usage: /incident rules reload (in the incident channel)");
    const elsewhere = await slash(admin, { channel: w.alerts, command: "/incident rules reload" });
    expect(elsewhere.status).toBe(400);
    expect(expectBody(elsewhere, apiErrorBodySchema).message).toContain("must be run in an incident channel");
    const outsider = await slash(alice, { channel, command: "/incident rules reload" });
    expect(outsider.status).toBe(403);

    const reload = await slash(admin, { channel, command: "/incident rules reload" });
    expect(reload.status).toBe(200);
    expect(expectBody(reload, commandResponseSchema).text).toBe(`Reloaded 1 forwarding rule of **${incident.name}** from its playbook.`);
    const read = await admin.get(`${API}/incidents/${incident.id}`, incidentAnswerSchema);
    expect(itemAt(read.body.forwarding, 0, "forwarding rule").keywords).toEqual(["beta"]);
    expect(read.body.playbook_version).toBe(incident.playbook_version);
    const record = (await channelPosts(admin, incident.channel_id)).find((p) => p.props.action === "rules_reloaded");
    expect(record?.message).toContain("reloaded the forwarding rules from the playbook **Outage** (v2)");
    expect(record?.message).toContain("1. from ~alerts any of `beta`");

    await say(alice, w.alerts, "beta after the reload");
    await say(alice, w.alerts, "alpha after the reload");
    expect((await forwarded(incident)).map((p) => p.props.excerpt)).toEqual(["alpha before the reload", "beta after the reload"]);
  });

  it("refuses a reload for an incident without a playbook or that has ended", async () => {
    const w = await workspace();
    const bare = await startIncident(admin, { name: "No playbook", team_id: w.team.id });
    const res = await slash(admin, { channel: { id: bare.channel_id, team_id: w.team.id } as Channel, command: "/incident rules reload" });
    expect(res.status).toBe(400);
    expect(expectBody(res, apiErrorBodySchema).message).toBe(
      'incident "No playbook" was started without a playbook: there are no forwarding rules to reload',
    );
    await admin.post(`${API}/incidents/${bare.id}/end`, {});
    const ended = await slash(admin, {
      channel: { id: bare.channel_id, team_id: w.team.id } as Channel,
      command: "/incident rules reload",
    });
    expect(ended.status).toBe(409);
  });

  it("loads the active incidents' rules again when the plugin is disabled and enabled", async () => {
    const w = await workspace();
    const incident = await start(w.team, await playbook(w.team, { forwarding: "  - {from: [alerts], keywords: [db-prod]}" }));
    expect((await admin.post("/api/v4/plugins/incident/disable")).status).toBe(200);
    await say(alice, w.alerts, "db-prod while disabled");
    expect((await admin.post("/api/v4/plugins/incident/enable")).status).toBe(200);
    await say(alice, w.alerts, "db-prod after enable");
    expect((await forwarded(incident)).map((p) => p.props.excerpt)).toEqual(["db-prod after enable"]);
  });
});
