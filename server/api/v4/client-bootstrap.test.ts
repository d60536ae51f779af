/**
 * The start-up routes of the official clients (issue 11, item 1) through
 * `@mattermost/client`'s Client4, unchanged: what each answers, its fields,
 * and the refusal a caller gets where there is one (status and Mattermost
 * error id). mattermost-redux.test.ts drives the same routes through the web
 * app's data layer; this file calls each one as bots and the mobile app do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientRefusal, officialClient, startTestServer, type TeamSeed, type TestServer } from "#testing";

let server: TestServer;
let seed: TeamSeed;
beforeAll(async () => {
  server = await startTestServer();
  seed = await server.seedTeam();
});
afterAll(() => server.close());

describe("Client4 start-up routes", () => {
  it("config/client and license/client (format=old), signed out", async () => {
    const anonymous = officialClient(server.anonymous);
    const config = await anonymous.getClientConfig();
    expect(config).toMatchObject({ Version: "9.11.0", SiteURL: server.config.siteUrl });
    expect(typeof config.SiteName).toBe("string");
    expect(config.MaxFileSize).toMatch(/^\d+$/);
    expect(await anonymous.getClientLicenseOld()).toEqual({ IsLicensed: "false" });
  });

  it("users/me/preferences: get, save and delete; another's are refused", async () => {
    const bob = officialClient(seed.bob);
    const flagged = { user_id: seed.bob.user.id, category: "flagged_post", name: seed.pub.id.replace(/^./, "p"), value: "true" };
    expect(await bob.savePreferences(seed.bob.user.id, [flagged])).toEqual({ status: "OK" });
    expect(await bob.getMyPreferences()).toContainEqual(flagged);
    expect(await bob.deletePreferences(seed.bob.user.id, [flagged])).toEqual({ status: "OK" });
    expect(await bob.getMyPreferences()).not.toContainEqual(flagged);
    const refused = await clientRefusal(bob.savePreferences(seed.alice.user.id, [{ ...flagged, user_id: seed.alice.user.id }]));
    expect(refused.status_code).toBe(403);
  });

  it("users/me/teams/members and teams/unread", async () => {
    const bob = officialClient(seed.bob);
    const members = await bob.getMyTeamMembers();
    expect(members).toContainEqual(expect.objectContaining({ team_id: seed.team.id, user_id: seed.bob.user.id, roles: "team_user" }));
    await server.createPost(seed.alice, { channelId: seed.pub.id, message: `@${seed.bob.user.username} unread` });
    const unread = (await bob.getMyTeamUnreads()).find((u) => u.team_id === seed.team.id);
    expect(unread).toMatchObject({ team_id: seed.team.id });
    expect(unread?.msg_count).toBeGreaterThan(0);
    expect(unread?.mention_count).toBeGreaterThan(0);
  });

  it("roles/names lists Sitrep's real permissions as Mattermost role permissions", async () => {
    const roles = await officialClient(seed.bob).getRolesByNames(["system_user", "channel_user", "team_user"]);
    expect(roles.map((r) => r.name).sort()).toEqual(["channel_user", "system_user", "team_user"]);
    expect(roles.find((r) => r.name === "channel_user")?.permissions).toContain("create_post");
    expect(roles.find((r) => r.name === "system_user")?.permissions).not.toContain("manage_system");
  });

  it("users/{id}/channel_members (page=-1), channel stats, team stats, and a channel by team and channel name", async () => {
    const bob = officialClient(seed.bob);
    const memberships = await bob.getAllChannelsMembers(seed.bob.user.id, -1);
    expect(memberships.map((m) => m.channel_id)).toContain(seed.pub.id);
    expect(memberships.map((m) => m.channel_id)).not.toContain(seed.priv.id);
    expect((await clientRefusal(bob.getAllChannelsMembers(seed.alice.user.id, -1))).status_code).toBe(403);
    expect(await bob.getChannelStats(seed.pub.id)).toMatchObject({ channel_id: seed.pub.id, member_count: 2, pinnedpost_count: 0 });
    expect(await bob.getTeamStats(seed.team.id)).toMatchObject({ team_id: seed.team.id, total_member_count: 2, active_member_count: 2 });
    expect(await bob.getChannelByNameAndTeamName(seed.team.name, seed.pub.name)).toMatchObject({ id: seed.pub.id, name: seed.pub.name });
    const hidden = await clientRefusal(bob.getChannelByNameAndTeamName(seed.team.name, seed.priv.name));
    expect(hidden.status_code).toBe(404);
  });

  it("users/{id}/image, users/usernames, users/search and users/me/patch", async () => {
    const bob = officialClient(seed.bob);
    const image = await fetch(bob.getProfilePictureUrl(seed.alice.user.id, 0), { headers: { authorization: `Bearer ${seed.bob.token}` } });
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(image.headers.get("etag")).toBeTruthy();
    const byName = await bob.getProfilesByUsernames([seed.alice.user.username, "nobody-here"]);
    expect(byName.map((u) => u.id)).toEqual([seed.alice.user.id]);
    const found = await bob.searchUsers(seed.alice.user.username.slice(0, 8), { team_id: seed.team.id });
    expect(found.map((u) => u.id)).toContain(seed.alice.user.id);
    const patched = await bob.patchMe({ position: "SRE", nickname: "bobby" });
    expect(patched).toMatchObject({ id: seed.bob.user.id, position: "SRE", nickname: "bobby" });
    expect(await bob.getMe()).toMatchObject({ position: "SRE", nickname: "bobby" });
  });

  it("bots: created and listed by system admins only", async () => {
    const admin = officialClient(await server.admin());
    const bot = await admin.createBot({ username: "deploybot", display_name: "Deploy", description: "ships" });
    expect(bot).toMatchObject({ username: "deploybot", display_name: "Deploy", description: "ships" });
    expect((await admin.getBots(0, 50)).map((b) => b.user_id)).toContain(bot.user_id);
    const refused = await clientRefusal(officialClient(seed.bob).getBots(0, 50));
    expect(refused.status_code).toBe(403);
  });

  // The manifests' shape (webapp.bundle_path) with a plugin enabled: server/plugins/lifecycle.test.ts.
  it("plugins/webapp: the signed-in caller's list (no plugin here), refused signed out", async () => {
    expect(await officialClient(seed.bob).getWebappPlugins()).toEqual([]);
    expect((await clientRefusal(officialClient(server.anonymous).getWebappPlugins())).status_code).toBe(401);
  });
});
