/**
 * The `/webhooks` API: who may create, list, change and delete event
 * subscriptions and read their delivery log (team admins and system admins;
 * `include_private` and subscriptions that have it, system admins only), and
 * the 400s that name the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBody, type TeamSeed, type TestServer, type UserClient } from "#testing";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import { webhookAnswerSchema, webhookListAnswerSchema } from "../../common/webhook-types.ts";
import { API, startIncidentServer } from "../test-server.ts";
import { createWebhook } from "./test-server.ts";

let server: TestServer;
let admin: UserClient;
let seed: TeamSeed;
const URL = "https://hooks.example.com/sitrep";

beforeAll(async () => {
  server = await startIncidentServer();
  admin = await server.admin();
  seed = await server.seedTeam();
});
afterAll(() => server.close());

/** The status and message of a refused request. */
async function refusal(res: Promise<{ status: number; body: unknown }>): Promise<[number, string]> {
  const answer = await res;
  return [answer.status, expectBody(answer, apiErrorBodySchema).message];
}

describe("creating a subscription", () => {
  it("is for the team's admins and system admins: a member gets 403 with the reason, an outsider 404, a caller signed out 401", async () => {
    const body = { team_id: seed.team.id, url: URL, events: ["*"] };
    expect(await refusal(seed.bob.post(`${API}/webhooks`, body))).toEqual([
      403,
      `Only team admins of ${seed.team.name} and system admins may manage its event subscriptions.`,
    ]);
    expect(await refusal(seed.olga.post(`${API}/webhooks`, body))).toEqual([
      404,
      `team_id: no team with id ${seed.team.id} that you belong to`,
    ]);
    expect((await server.anonymous.post(`${API}/webhooks`, body)).status).toBe(401);
    const created = await createWebhook(seed.alice, body);
    expect(created).toMatchObject({
      team_id: seed.team.id,
      url: URL,
      events: ["*"],
      include_private: false,
      active: true,
      creator_user_id: seed.alice.user.id,
    });
    // A Standard Webhooks secret: whsec_ and 32 random bytes.
    expect(Buffer.from(created.secret.replace(/^whsec_/, ""), "base64")).toHaveLength(32);
    const fromAdmin = await createWebhook(admin, { ...body, events: ["incident.stage_changed"] });
    expect(fromAdmin.secret).not.toBe(created.secret);
  });

  it("lets only system admins set include_private, naming the field", async () => {
    const body = { team_id: seed.team.id, url: URL, events: ["*"], include_private: true };
    expect(await refusal(seed.alice.post(`${API}/webhooks`, body))).toEqual([
      403,
      "include_private: only system admins may subscribe to private incidents' events, which would leave the workspace for people who may not read them here.",
    ]);
    expect((await createWebhook(admin, body)).include_private).toBe(true);
  });

  it("answers 400 naming the field for a bad address, an unknown event type or an unknown key", async () => {
    const post = (body: Record<string, unknown>) =>
      refusal(seed.alice.post(`${API}/webhooks`, { team_id: seed.team.id, url: URL, events: ["*"], ...body }));
    expect(await post({ url: "ftp://files.example.com/" })).toEqual([
      400,
      "url: must be an http:// or https:// address without a user name or password",
    ]);
    expect(await post({ url: "https://user:pw@hooks.example.com/" })).toEqual([
      400,
      "url: must be an http:// or https:// address without a user name or password",
    ]);
    expect(await post({ events: ["incident.incident_started", "incident.exploded"] })).toEqual([
      400,
      'events.1: "incident.exploded" is not an event type; the types are incident.<timeline type>, e.g. incident.incident_started, or "*"',
    ]);
    expect(await post({ events: [] })).toEqual([400, 'events: must name at least one event type, or be ["*"] for every one']);
    expect(await post({ events: ["*", "incident.stage_changed"] })).toEqual([400, 'events: "*" means every event type: give it alone']);
    expect(await post({ include_privat: true })).toEqual([400, "body: unknown key(s) include_privat"]);
    expect(await post({ team_id: "nope" })).toEqual([400, "team_id: must be an id (26 lowercase letters and digits)"]);
  });
});

describe("listing, reading, changing and deleting", () => {
  it("shows a team's subscriptions to its admins without secrets; a member gets 403, every team's needs a system admin", async () => {
    const created = await createWebhook(seed.alice, { team_id: seed.team.id, url: `${URL}/list`, events: ["incident.incident_ended"] });
    const listed = await seed.alice.get(`${API}/webhooks?team_id=${seed.team.id}`, webhookListAnswerSchema);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((w) => w.id)).toContain(created.id);
    expect(JSON.stringify(listed.body)).not.toContain("whsec_");
    expect(await refusal(seed.bob.get(`${API}/webhooks?team_id=${seed.team.id}`))).toEqual([
      403,
      `Only team admins of ${seed.team.name} and system admins may manage its event subscriptions.`,
    ]);
    expect(await refusal(seed.alice.get(`${API}/webhooks`))).toEqual([
      400,
      "team_id: required (only system admins may list every team's subscriptions)",
    ]);
    const all = await admin.get(`${API}/webhooks`, webhookListAnswerSchema);
    expect(all.body.items.map((w) => w.id)).toContain(created.id);
    const one = await seed.alice.get(`${API}/webhooks/${created.id}`, webhookAnswerSchema);
    expect(one.body).toEqual(listed.body.items.find((w) => w.id === created.id));
    expect(await refusal(seed.olga.get(`${API}/webhooks/${created.id}`))).toEqual([
      404,
      `webhook: no event subscription with id ${created.id}`,
    ]);
    expect(await refusal(seed.bob.get(`${API}/webhooks/${created.id}/deliveries`))).toEqual([
      403,
      `Only team admins of ${seed.team.name} and system admins may manage its event subscriptions.`,
    ]);
  });

  it("changes url, events and active for team admins; include_private and what has it stay with system admins", async () => {
    const mine = await createWebhook(seed.alice, { team_id: seed.team.id, url: `${URL}/a`, events: ["*"] });
    const patched = await seed.alice.patch(
      `${API}/webhooks/${mine.id}`,
      { url: `${URL}/b`, events: ["incident.status_update"], active: false },
      webhookAnswerSchema,
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ url: `${URL}/b`, events: ["incident.status_update"], active: false });
    expect(await refusal(seed.alice.patch(`${API}/webhooks/${mine.id}`, {}))).toEqual([
      400,
      "body: give at least one of url, events, include_private, active",
    ]);
    expect(await refusal(seed.alice.patch(`${API}/webhooks/${mine.id}`, { include_private: true }))).toEqual([
      403,
      "include_private: only system admins may subscribe to private incidents' events, which would leave the workspace for people who may not read them here.",
    ]);
    expect(await refusal(seed.bob.patch(`${API}/webhooks/${mine.id}`, { active: true }))).toEqual([
      403,
      `Only team admins of ${seed.team.name} and system admins may manage its event subscriptions.`,
    ]);

    const privateOne = await createWebhook(admin, { team_id: seed.team.id, url: `${URL}/p`, events: ["*"], include_private: true });
    const adminOnly =
      "This subscription includes private incidents' events: only system admins may change it, delete it or read its delivery log.";
    expect((await seed.alice.get(`${API}/webhooks/${privateOne.id}`)).status).toBe(200);
    expect(await refusal(seed.alice.patch(`${API}/webhooks/${privateOne.id}`, { url: "https://elsewhere.example.com/" }))).toEqual([
      403,
      adminOnly,
    ]);
    expect(await refusal(seed.alice.get(`${API}/webhooks/${privateOne.id}/deliveries`))).toEqual([403, adminOnly]);
    expect(await refusal(seed.alice.delete(`${API}/webhooks/${privateOne.id}`))).toEqual([403, adminOnly]);
    expect((await admin.delete(`${API}/webhooks/${privateOne.id}`)).status).toBe(200);
    expect((await admin.get(`${API}/webhooks/${privateOne.id}`)).status).toBe(404);

    expect((await seed.alice.delete(`${API}/webhooks/${mine.id}`)).status).toBe(200);
    expect(await refusal(seed.alice.get(`${API}/webhooks/${mine.id}`))).toEqual([404, `webhook: no event subscription with id ${mine.id}`]);
  });
});
