/**
 * Through the official `@mattermost/client` Client4: the sidebar's
 * categories, a user's sessions and tokens, channel memberships with
 * Mattermost's fields (and several added at once with `user_ids`, and
 * notification settings changed), and the answers Mattermost's own server
 * gives for what Sitrep does not have, so the web app takes those features as
 * off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, sidebarCategoriesSchema } from "#common/wire-schemas.ts";
import { clientRefusal, expectBody, officialClient, officialShapes, startTestServer, type TeamSeed, type TestServer } from "#testing";

let server: TestServer;
let seed: TeamSeed;
beforeAll(async () => {
  server = await startTestServer();
  await server.admin();
  seed = await server.seedTeam();
});
afterAll(async () => {
  await server.close();
});

describe("sidebar categories", () => {
  it("answers Favorites, Channels and Direct Messages with the user's channels", async () => {
    const ac = officialClient(seed.alice);
    const dm = await ac.createDirectChannel([seed.alice.user.id, seed.bob.user.id]);
    const { categories, order } = await ac.getChannelCategories(seed.alice.user.id, seed.team.id);
    const ids = ["favorites", "channels", "direct_messages"].map((type) => `${type}_${seed.alice.user.id}_${seed.team.id}`);
    expect(order).toEqual(ids);
    expect(categories.map((c) => [c.type, c.display_name])).toEqual([
      ["favorites", "Favorites"],
      ["channels", "Channels"],
      ["direct_messages", "Direct Messages"],
    ]);
    const raw = expectBody(await seed.alice.get(`/api/v4/users/me/teams/${seed.team.id}/channels/categories`), sidebarCategoriesSchema);
    expect(raw.categories.map((c) => [c.sort_order, c.sorting, c.muted, c.collapsed])).toEqual([
      [0, "", false, false],
      [10, "", false, false],
      [20, "recent", false, false],
    ]);
    const channels = categories[1]?.channel_ids ?? [];
    expect(channels).toEqual(expect.arrayContaining([seed.pub.id, seed.priv.id]));
    expect(channels).not.toContain(dm.id);
    expect(categories[2]?.channel_ids).toEqual([dm.id]);
    expect(await ac.getChannelCategoryOrder(seed.alice.user.id, seed.team.id)).toEqual(ids);
    expect(await ac.getChannelCategory(seed.alice.user.id, seed.team.id, ids[1] ?? "")).toMatchObject({ type: "channels" });

    // Bob is not in the private channel: it is not in his sidebar.
    const bobs = await officialClient(seed.bob).getChannelCategories(seed.bob.user.id, seed.team.id);
    expect(bobs.categories[1]?.channel_ids).not.toContain(seed.priv.id);
    expect(await clientRefusal(officialClient(seed.bob).getChannelCategories(seed.alice.user.id, seed.team.id))).toMatchObject({
      status_code: 403,
      message: "You may read only your own sidebar.",
    });
    expect(await clientRefusal(ac.getChannelCategory(seed.alice.user.id, seed.team.id, "custom_nope"))).toMatchObject({
      status_code: 404,
      message: "categoryId: no such category of this user in this team",
    });
  });
});

describe("sessions and tokens", () => {
  it("lists a user's sessions without their tokens, and their personal access tokens", async () => {
    const ac = officialClient(seed.alice);
    const sessions = await ac.getSessions(seed.alice.user.id);
    expect(sessions.length).toBeGreaterThanOrEqual(1);
    expect(sessions[0]).toMatchObject({ user_id: seed.alice.user.id, token: "", is_oauth: false, roles: "system_user" });
    const token = await ac.createUserAccessToken(seed.alice.user.id, "ci bot");
    const tokens = await ac.getUserAccessTokensForUser(seed.alice.user.id, 0, 10);
    expect(tokens.map((t) => [t.id, t.description, t.is_active])).toEqual([[token.id, "ci bot", true]]);
    expect(tokens[0]).not.toHaveProperty("token");
    expect(await clientRefusal(officialClient(seed.bob).getSessions(seed.alice.user.id))).toMatchObject({
      status_code: 403,
      message: "You may list only your own sessions.",
    });
  });
});

describe("channel members", () => {
  it("answers Mattermost's membership fields, real mention counts included", async () => {
    const [ac, bc] = [officialClient(seed.alice), officialClient(seed.bob)];
    const channel = await server.createChannel(seed.alice, { teamId: seed.team.id, name: "fields" });
    await server.addToChannel(seed.alice, { channel, user: seed.bob.user });
    await ac.createPost({ channel_id: channel.id, message: `@${seed.bob.user.username} look` });
    const member = await bc.getMyChannelMember(channel.id);
    expect(member).toMatchObject({
      mention_count: 1,
      mention_count_root: 1,
      // Bob has read up to his own arrival (the root post of his joining), not Alice's post.
      msg_count_root: 1,
      urgent_mention_count: 0,
      scheme_user: true,
      scheme_admin: false,
      notify_props: { desktop: "default", email: "default", push: "default", mark_unread: "all", ignore_channel_mentions: "default" },
    });
    expect(member.last_update_at).toBeGreaterThan(0);
    // Two root posts, as Mattermost counts them: the system post of Bob's joining ("@bob added to the channel by @alice.") and Alice's.
    expect(await ac.getMyChannelMember(channel.id)).toMatchObject({ scheme_admin: true, msg_count_root: 2 });
    expect((await ac.getChannel(channel.id)).total_msg_count_root).toBe(2);
    await bc.viewMyChannel(channel.id);
    expect(await bc.getMyChannelMember(channel.id)).toMatchObject({ mention_count: 0, mention_count_root: 0, msg_count_root: 2 });

    expect(await bc.updateChannelNotifyProps({ channel_id: channel.id, user_id: seed.bob.user.id, mark_unread: "mention" })).toEqual({
      status: "OK",
    });
    expect((await bc.getMyChannelMember(channel.id)).notify_props).toMatchObject({ mark_unread: "mention", desktop: "default" });
    const bad = await seed.bob.put(`/api/v4/channels/${channel.id}/members/${seed.bob.user.id}/notify_props`, { mark_unread: "never" });
    expect([bad.status, (bad.body as { message?: string }).message]).toEqual([400, "mark_unread: must be all or mention"]);
  });

  it("adds several members at once with user_ids, and none when one may not be added", async () => {
    const ac = officialClient(seed.alice);
    const channel = await server.createChannel(seed.alice, { teamId: seed.team.id, name: "many" });
    const [carol, dave] = [await server.createUser(), await server.createUser()];
    for (const person of [carol, dave])
      await seed.alice.post(`/api/v4/teams/${seed.team.id}/members`, { team_id: seed.team.id, user_id: person.user.id });
    const added = await ac.addToChannels([carol.user.id, dave.user.id], channel.id);
    expect(added.map((m) => [m.user_id, m.channel_id])).toEqual([
      [carol.user.id, channel.id],
      [dave.user.id, channel.id],
    ]);
    expect(await ac.addToChannel(seed.bob.user.id, channel.id)).toMatchObject({ user_id: seed.bob.user.id, channel_id: channel.id });

    const other = await server.createChannel(seed.alice, { teamId: seed.team.id, name: "none-added" });
    expect(await clientRefusal(ac.addToChannels([carol.user.id, seed.olga.user.id], other.id))).toMatchObject({
      status_code: 403,
      message: `user_ids: ${seed.olga.user.id} is not a member of this channel's team.`,
    });
    expect((await ac.getChannelMembers(other.id)).map((m) => m.user_id)).toEqual([seed.alice.user.id]);
    const neither = await seed.alice.post(`/api/v4/channels/${other.id}/members`, {});
    expect([neither.status, (neither.body as { message?: string }).message]).toEqual([400, "user_id: is required (or user_ids)"]);
  });
});

describe("what Sitrep does not have", () => {
  it("answers as Mattermost's unlicensed server, or one with the feature off, does", async () => {
    const ac = officialClient(seed.alice);
    // Each called in turn (a thunk), so no refusal goes unhandled while another is awaited.
    const off = [
      [() => ac.getTermsOfService(), 404, "app.terms_of_service.get.no_rows.app_error"],
      [() => ac.getDataRetentionPolicy(), 501, "ent.data_retention.generic.license.error"],
      [() => ac.getGroups({}), 501, "api.ldap_groups.license_error"],
      [() => ac.getUserDrafts(seed.team.id), 501, "api.drafts.disabled.app_error"],
      [() => ac.getCustomEmojis(), 501, "api.emoji.disabled.app_error"],
      [() => ac.getCustomEmojiByName("parrot"), 501, "api.emoji.disabled.app_error"],
      [() => ac.getCustomEmojisByNames(["parrot"]), 501, "api.emoji.disabled.app_error"],
      [() => ac.getCustomEmoji("emojiid"), 501, "api.emoji.disabled.app_error"],
      [() => ac.searchCustomEmoji("par"), 501, "api.emoji.disabled.app_error"],
      [() => ac.autocompleteCustomEmoji("par"), 501, "api.emoji.disabled.app_error"],
      [() => ac.getDataRetentionCustomPolicies(), 501, "ent.data_retention.generic.license.error"],
      [() => ac.getGroupsByUserId(seed.alice.user.id), 501, "api.ldap_groups.license_error"],
      [
        () => ac.upsertDraft(officialShapes.draft({ channel_id: seed.pub.id, message: "draft" }), "conn"),
        501,
        "api.drafts.disabled.app_error",
      ],
      [() => ac.deleteDraft(seed.pub.id, "", "conn"), 501, "api.drafts.disabled.app_error"],
      [() => ac.deleteDraft(seed.pub.id, "rootid", "conn"), 501, "api.drafts.disabled.app_error"],
    ] as const;
    for (const [call, status, id] of off) expect(await clientRefusal(call())).toMatchObject({ status_code: status, server_error_id: id });
    // Routes the mobile app calls that this Client4 has no method for.
    const raw = [
      [`/api/v4/users/${seed.alice.user.id}/terms_of_service`, 404, "app.user_terms_of_service.get_by_user.no_rows.app_error"],
      ["/api/v4/users/me/data_retention/team_policies", 501, "ent.data_retention.generic.license.error"],
      ["/api/v4/users/me/data_retention/channel_policies", 501, "ent.data_retention.generic.license.error"],
    ] as const;
    for (const [path, status, id] of raw) {
      const res = await seed.alice.get(path, apiErrorBodySchema);
      expect([res.status, res.body.id]).toEqual([status, id]);
    }
    const limits = await ac.getServerLimits();
    expect(limits.data).toMatchObject({ maxUsersLimit: 0, maxUsersHardLimit: 0 });
    expect(limits.data.activeUserCount).toBeGreaterThanOrEqual(3);
    expect((await server.anonymous.get("/api/v4/emoji")).status).toBe(401);
  });
});
