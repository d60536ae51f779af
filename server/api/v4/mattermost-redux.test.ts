/**
 * The official web app's data layer, unchanged: `mattermost-redux` 11.9.0
 * with a real store drives a real Sitrep server through its own actions, and
 * the store afterwards holds what the web app needs to start — config and
 * license, team memberships, roles that answer permission checks as the
 * server decides them, and each post once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as storeModule from "mattermost-redux/store/configureStore";
import { Client4 } from "mattermost-redux/client";
import { loadMe, autocompleteUsers, getProfilesInChannel } from "mattermost-redux/actions/users";
import { getMyTeams } from "mattermost-redux/actions/teams";
import { fetchAllMyChannelMembers, fetchChannelsAndMembers } from "mattermost-redux/actions/channels";
import { addReaction, createPost, editPost, getPosts, getPostThread } from "mattermost-redux/actions/posts";
import { loadRolesIfNeeded } from "mattermost-redux/actions/roles";
import { setServerVersion } from "mattermost-redux/actions/general";
import { haveIChannelPermission, haveISystemPermission, haveITeamPermission } from "mattermost-redux/selectors/entities/roles";
import type { GlobalState } from "@mattermost/types/store";
import type { UserAutocomplete } from "@mattermost/types/autocomplete";
import { eventually, startTestServer, type TestServer, type TeamSeed } from "#testing";

// A CommonJS module with `__esModule`: vitest hands its `exports.default` as `default`, Node's ESM the whole `exports`.
type ConfigureStore = typeof storeModule.default.default;
const isConfigureStore = (value: unknown): value is ConfigureStore => typeof value === "function";
const loadedDefault: unknown = storeModule.default;
const configureStore = isConfigureStore(loadedDefault) ? loadedDefault : storeModule.default.default;

let server: TestServer;
let seed: TeamSeed;

beforeAll(async () => {
  server = await startTestServer();
  seed = await server.seedTeam();
});
afterAll(async () => server.close());

/** A fresh store of the web app's data layer, its Client4 signed in as Bob. */
function bobsStore() {
  Client4.setUrl(server.url);
  Client4.setToken(seed.bob.token);
  return configureStore({ appReducers: {}, getAppReducers: () => ({}), preloadedState: {} });
}

describe("mattermost-redux 11.9.0 with a real store", () => {
  it("starts as the web app does: config, license, memberships and roles, and permissions as the server has them", async () => {
    const store = bobsStore();
    expect(await store.dispatch(loadMe())).toEqual({ data: true });
    await store.dispatch(getMyTeams());
    await store.dispatch(fetchChannelsAndMembers(seed.team.id));
    await store.dispatch(fetchAllMyChannelMembers());
    const state: GlobalState = store.getState();
    const me = state.entities.users.profiles[state.entities.users.currentUserId];
    expect(me).toMatchObject({ id: seed.bob.user.id, locale: "en", notify_props: { desktop: "mention" } });
    expect(state.entities.general.config).toMatchObject({ Version: "9.11.0", SiteName: "Sitrep" });
    expect(state.entities.general.license).toMatchObject({ IsLicensed: "false" });
    expect(Client4.getServerVersion()).toBe("9.11.0.sitrep");
    // What the web app does when its socket says hello: the version Client4 read from X-Version-Id enables roles loading.
    await store.dispatch(setServerVersion(Client4.getServerVersion()));
    expect(state.entities.teams.myMembers[seed.team.id]).toMatchObject({ user_id: seed.bob.user.id, scheme_user: true });
    expect(Object.keys(state.entities.teams.teams)).toContain(seed.team.id);
    expect(Object.keys(state.entities.channels.myMembers)).toContain(seed.pub.id);
    expect(Object.keys(state.entities.channels.myMembers)).not.toContain(seed.priv.id);

    const roleNames = new Set([
      ...me!.roles.split(" "),
      ...state.entities.teams.myMembers[seed.team.id]!.roles.split(" "),
      ...Object.values(state.entities.channels.myMembers).flatMap((member) => member.roles.split(" ")),
    ]);
    await store.dispatch(loadRolesIfNeeded(roleNames));
    const loaded: GlobalState = store.getState();
    expect(Object.keys(loaded.entities.roles.roles).sort()).toEqual(["channel_user", "system_user", "team_user"]);
    expect(haveIChannelPermission(loaded, seed.team.id, seed.pub.id, "create_post")).toBe(true);
    expect(haveIChannelPermission(loaded, seed.team.id, seed.priv.id, "create_post")).toBe(false);
    expect(haveITeamPermission(loaded, seed.team.id, "create_public_channel")).toBe(true);
    expect(haveISystemPermission(loaded, { permission: "manage_system" })).toBe(false);
    expect(haveISystemPermission(loaded, { permission: "create_team" })).toBe(true);
    // The server agrees: Bob cannot post in the private channel.
    expect((await seed.bob.post("/api/v4/posts", { channel_id: seed.priv.id, message: "x" })).status).toBe(404);
  });

  it("posts, edits, reacts and reads threads and people through its own actions, each post once", async () => {
    const store = bobsStore();
    await store.dispatch(loadMe());
    await store.dispatch(getPosts(seed.pub.id));
    const userId = seed.bob.user.id;
    const now = Date.now();
    const draft = {
      channel_id: seed.pub.id,
      message: "hello from redux",
      user_id: userId,
      create_at: now,
      pending_post_id: `${userId}:${now}`,
    };
    await store.dispatch(
      createPost({
        ...draft,
        id: "",
        update_at: 0,
        edit_at: 0,
        delete_at: 0,
        is_pinned: false,
        root_id: "",
        original_id: "",
        type: "",
        props: {},
        hashtags: "",
        metadata: { embeds: [], emojis: [], files: [], images: {}, reactions: [] },
        reply_count: 0,
      }),
    );
    const state = (): GlobalState => store.getState();
    const mine = () =>
      Object.values(state().entities.posts.posts).filter((post) => post.channel_id === seed.pub.id && post.user_id === userId);
    // The optimistic copy is replaced when the answer (carrying its pending_post_id) arrives.
    await eventually(() => mine().length > 0 && mine().every((post) => post.id !== draft.pending_post_id), {
      what: "the answer to the post",
    });
    expect(mine().map((post) => post.message)).toEqual(["hello from redux"]);
    const [created] = mine();
    expect(created!.id).toMatch(/^[a-z0-9]{26}$/);
    expect(state().entities.posts.postsInChannel[seed.pub.id]?.[0]?.order.filter((id) => id === created!.id)).toHaveLength(1);

    await store.dispatch(editPost({ ...created!, message: "edited from redux" }));
    expect(state().entities.posts.posts[created!.id]?.message).toBe("edited from redux");
    await store.dispatch(addReaction(created!.id, "white_check_mark"));
    expect(Object.keys(state().entities.posts.reactions[created!.id] ?? {})).toEqual([`${userId}-white_check_mark`]);

    const reply = await seed.alice.post("/api/v4/posts", { channel_id: seed.pub.id, message: "a reply", root_id: created!.id });
    expect(reply.status).toBe(201);
    await store.dispatch(getPostThread(created!.id));
    expect(state().entities.posts.postsInThread[created!.id]).toHaveLength(1);

    await store.dispatch(getProfilesInChannel(seed.pub.id, 0));
    expect([...(state().entities.users.profilesInChannel[seed.pub.id] ?? [])].sort()).toEqual([seed.alice.user.id, userId].sort());
    const found: { data?: UserAutocomplete } = await store.dispatch(
      autocompleteUsers(seed.alice.user.username.slice(0, 6), seed.team.id, seed.pub.id),
    );
    expect(found.data?.users.map((user) => user.id)).toEqual([seed.alice.user.id]);
  });
});
