import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema, teamMemberSchema, teamSchema } from "#common/wire-schemas.ts";
import { startTestServer, uniqueName, type TestServer } from "#testing";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

describe("POST /api/v4/teams", () => {
  it("refuses anonymous callers", async () => {
    const res = await server.anonymous.post("/api/v4/teams", { name: "anon-team", display_name: "Anon" }, apiErrorBodySchema);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("You must be signed in to do that.");
  });

  it("lets a plain user create a team and makes them its team admin", async () => {
    const alice = await server.createUser();
    const name = uniqueName("ops");
    const res = await alice.post("/api/v4/teams", { name, display_name: "Ops", type: "I" }, teamSchema);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name, display_name: "Ops", type: "I", delete_at: 0 });
    expect(res.body.id).toMatch(/^[a-z0-9]{26}$/);
    const mine = await alice.get("/api/v4/users/me/teams", z.array(teamSchema));
    expect(mine.status).toBe(200);
    expect(mine.body.map((t: { id: string }) => t.id)).toContain(res.body.id);
  });

  it("refuses invalid and reserved names, naming the field", async () => {
    const alice = await server.createUser();
    const upper = await alice.post("/api/v4/teams", { name: "Ops Team", display_name: "Ops" }, apiErrorBodySchema);
    expect(upper.status).toBe(400);
    expect(upper.body.message).toBe("name: may contain only lowercase letters, digits, '-' and '_', and must start with a letter or digit");
    const short = await alice.post("/api/v4/teams", { name: "o", display_name: "Ops" }, apiErrorBodySchema);
    expect(short.status).toBe(400);
    expect(short.body.message).toBe("name: must be 2 to 64 characters");
    for (const reserved of ["api", "plugins", "hooks", "login", "signup", "admin_console", "static"]) {
      const res = await alice.post("/api/v4/teams", { name: reserved, display_name: "Reserved" }, apiErrorBodySchema);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe("name: is reserved for a page of the app; choose another name");
    }
    const badType = await alice.post("/api/v4/teams", { name: uniqueName("t"), display_name: "T", type: "X" }, apiErrorBodySchema);
    expect(badType.status).toBe(400);
    expect(badType.body.message).toBe("type: must be O (open) or I (invite only)");
  });

  it("answers a taken name with 409", async () => {
    const alice = await server.createUser();
    const team = await server.createTeam(alice);
    const res = await alice.post("/api/v4/teams", { name: team.name, display_name: "Again" }, apiErrorBodySchema);
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(`name: a team named "${team.name}" already exists`);
  });
});

describe("GET /api/v4/users/me/teams and /api/v4/teams/name/{name}", () => {
  it("lists only the caller's teams; anonymous gets 401", async () => {
    const alice = await server.createUser();
    const bob = await server.createUser();
    const team = await server.createTeam(alice);
    expect((await alice.get("/api/v4/users/me/teams", z.array(teamSchema))).body.map((t: { id: string }) => t.id)).toContain(team.id);
    const bobs = await bob.get("/api/v4/users/me/teams", z.array(teamSchema));
    expect(bobs.status).toBe(200);
    expect(bobs.body.map((t: { id: string }) => t.id)).not.toContain(team.id);
    const anon = await server.anonymous.get("/api/v4/users/me/teams", apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
    const other = await bob.get(`/api/v4/users/${alice.user.id}/teams`, apiErrorBodySchema);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe("You may list only your own teams.");
  });

  it("shows an open team to anyone, an invite-only team only to members and system admins", async () => {
    const admin = await server.admin();
    const alice = await server.createUser();
    const bob = await server.createUser();
    const open = await server.createTeam(alice, { type: "O" });
    const closed = await server.createTeam(alice, { type: "I" });
    const seenOpen = await bob.get(`/api/v4/teams/name/${open.name}`, teamSchema);
    expect(seenOpen.status).toBe(200);
    expect(seenOpen.body.id).toBe(open.id);
    const hidden = await bob.get(`/api/v4/teams/name/${closed.name}`, apiErrorBodySchema);
    expect(hidden.status).toBe(404);
    expect(hidden.body.message).toBe("team not found");
    const missing = await bob.get("/api/v4/teams/name/no-such-team", apiErrorBodySchema);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe("team not found");
    expect((await alice.get(`/api/v4/teams/name/${closed.name}`)).status).toBe(200);
    const byAdmin = await admin.get(`/api/v4/teams/name/${closed.name}`, teamSchema);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.id).toBe(closed.id);
    const anon = await server.anonymous.get(`/api/v4/teams/name/${open.name}`, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });
});

describe("POST /api/v4/teams/{id}/members", () => {
  it("lets anyone join an open team, and members add others to it", async () => {
    const alice = await server.createUser();
    const bob = await server.createUser();
    const carol = await server.createUser();
    const dave = await server.createUser();
    const team = await server.createTeam(alice, { type: "O" });
    const join = await bob.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: bob.user.id });
    expect(join.status).toBe(201);
    expect(join.body).toMatchObject({ team_id: team.id, user_id: bob.user.id, roles: "team_user" });
    const addByMember = await bob.post(`/api/v4/teams/${team.id}/members`, { user_id: carol.user.id });
    expect(addByMember.status).toBe(201);
    const addByOutsider = await dave.post(`/api/v4/teams/${team.id}/members`, { user_id: alice.user.id }, apiErrorBodySchema);
    expect(addByOutsider.status).toBe(403);
    expect(addByOutsider.body.message).toBe("You must be a member of the team to add others to it.");
  });

  it("lets only team and system admins add people to an invite-only team", async () => {
    const admin = await server.admin();
    const alice = await server.createUser();
    const bob = await server.createUser();
    const carol = await server.createUser();
    const team = await server.createTeam(alice, { type: "I" });
    const selfJoin = await bob.post(`/api/v4/teams/${team.id}/members`, { user_id: bob.user.id }, apiErrorBodySchema);
    expect(selfJoin.status).toBe(403);
    expect(selfJoin.body.message).toBe("Only team and system admins may add people to an invite-only team.");
    const byTeamAdmin = await alice.post(`/api/v4/teams/${team.id}/members`, { user_id: bob.user.id }, teamMemberSchema);
    expect(byTeamAdmin.status).toBe(201);
    expect(byTeamAdmin.body.user_id).toBe(bob.user.id);
    // Bob is a member now, but a plain one: he still may not invite.
    const byMember = await bob.post(`/api/v4/teams/${team.id}/members`, { user_id: carol.user.id }, apiErrorBodySchema);
    expect(byMember.status).toBe(403);
    expect(byMember.body.message).toBe("Only team and system admins may add people to an invite-only team.");
    const bySystemAdmin = await admin.post(`/api/v4/teams/${team.id}/members`, { user_id: carol.user.id }, teamMemberSchema);
    expect(bySystemAdmin.status).toBe(201);
    expect(bySystemAdmin.body.user_id).toBe(carol.user.id);
  });

  it("validates the body and the team, and refuses anonymous callers", async () => {
    const alice = await server.createUser();
    const team = await server.createTeam(alice);
    const noUser = await alice.post(`/api/v4/teams/${team.id}/members`, {}, apiErrorBodySchema);
    expect(noUser.status).toBe(400);
    expect(noUser.body.message).toBe("user_id: Invalid input: expected string, received undefined");
    const emptyUser = await alice.post(`/api/v4/teams/${team.id}/members`, { user_id: "" }, apiErrorBodySchema);
    expect(emptyUser.status).toBe(400);
    expect(emptyUser.body.message).toBe("user_id: is required");
    const unknownUser = await alice.post(`/api/v4/teams/${team.id}/members`, { user_id: "x".repeat(26) }, apiErrorBodySchema);
    expect(unknownUser.status).toBe(400);
    expect(unknownUser.body.message).toBe("user_id: no active user with this id");
    const noTeam = await alice.post(`/api/v4/teams/${"y".repeat(26)}/members`, { user_id: alice.user.id }, apiErrorBodySchema);
    expect(noTeam.status).toBe(404);
    expect(noTeam.body.message).toBe("team not found");
    const anon = await server.anonymous.post(`/api/v4/teams/${team.id}/members`, { user_id: alice.user.id }, apiErrorBodySchema);
    expect(anon.status).toBe(401);
    expect(anon.body.message).toBe("You must be signed in to do that.");
  });
});
