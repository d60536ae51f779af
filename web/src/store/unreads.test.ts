import { describe, expect, it } from "vitest";
import type { Post } from "#common/wire.ts";
import { initialState, type AppState } from "./state.ts";
import { testChannel, testMember } from "./test-fixtures.ts";
import { pageTitle, teamUnreads, unreadStatus, withChannelViewed, withPostCounted } from "./unreads.ts";

const channel = testChannel;
const member = testMember;

function post(props: Partial<Post> & { channel_id: string; user_id: string }): Post {
  return { id: "p1", root_id: "", message: "", type: "", props: {}, create_at: 50, update_at: 50, edit_at: 0, delete_at: 0, ...props };
}

const me = {
  id: "me",
  username: "me",
  email: "",
  first_name: "",
  last_name: "",
  nickname: "",
  roles: "",
  is_bot: false,
  create_at: 0,
  update_at: 0,
  delete_at: 0,
};
const dm = channel({ id: "dm", team_id: "", type: "D", total_msg_count: 4 });

/** Two teams; the direct message is listed under both, as the server lists it. */
function state(): AppState {
  return {
    ...initialState,
    me,
    channels: {
      t1: [channel({ id: "a", team_id: "t1", total_msg_count: 3 }), channel({ id: "b", team_id: "t1", total_msg_count: 2 }), dm],
      t2: [channel({ id: "c", team_id: "t2", total_msg_count: 1 }), dm],
    },
    members: {
      a: member("a", { msg_count: 3 }),
      b: member("b", { msg_count: 1, mention_count: 1 }),
      c: member("c", { msg_count: 1 }),
      dm: member("dm", { msg_count: 2, mention_count: 2 }),
    },
  };
}

describe("unread and mention counts", () => {
  it("a team's badge counts its own channels, not the direct messages listed with it", () => {
    expect(teamUnreads(state(), "t1")).toEqual({ mentions: 1, unread: true });
    expect(teamUnreads(state(), "t2")).toEqual({ mentions: 0, unread: false });
    expect(teamUnreads(state(), "nope")).toEqual({ mentions: 0, unread: false });
  });

  it("the title counts every mention once (a direct message under two teams too), else says unread", () => {
    expect(unreadStatus(state())).toBe(3);
    const read = withChannelViewed(withChannelViewed(state(), { channelId: "b", now: 9 }), { channelId: "dm", now: 9 });
    expect(unreadStatus(read)).toBe(false);
    expect(read.members.b).toMatchObject({ msg_count: 2, mention_count: 0, last_viewed_at: 9 });
    const unreadOnly = { ...read, members: { ...read.members, a: member("a", { msg_count: 1 }) } };
    expect(unreadStatus(unreadOnly)).toBe(true);
  });

  it("writes the title as Mattermost does, with the mentions first", () => {
    expect(pageTitle({ channelName: "Town Square", teamName: "Ops", status: 3 })).toBe("(3) Town Square · Ops · Sitrep");
    expect(pageTitle({ channelName: "Town Square", teamName: "Ops", status: true })).toBe("* Town Square · Ops · Sitrep");
    expect(pageTitle({ teamName: "Ops", status: false })).toBe("Ops · Sitrep");
  });

  it("a post raises the channel's count in every list; a mention counts unless the user is looking", () => {
    const mention = withPostCounted(state(), { post: post({ channel_id: "dm", user_id: "bob" }), mentions: ["me"], viewing: false });
    expect(mention.channels.t1?.find((c) => c.id === "dm")?.total_msg_count).toBe(5);
    expect(mention.channels.t2?.find((c) => c.id === "dm")?.total_msg_count).toBe(5);
    expect(mention.members.dm).toMatchObject({ msg_count: 2, mention_count: 3 });

    const looking = withPostCounted(state(), { post: post({ channel_id: "a", user_id: "bob" }), mentions: ["me"], viewing: true });
    expect(looking.members.a).toMatchObject({ mention_count: 0 });
    const someoneElse = withPostCounted(state(), { post: post({ channel_id: "a", user_id: "bob" }), mentions: ["carol"], viewing: false });
    expect(someoneElse.members.a).toEqual(state().members.a);
  });

  it("the user's own post counts as read and never as a mention; a channel not listed changes nothing", () => {
    const own = withPostCounted(state(), { post: post({ channel_id: "a", user_id: "me" }), mentions: ["me"], viewing: false });
    expect(own.members.a).toMatchObject({ msg_count: 4, mention_count: 0 });
    expect(teamUnreads(own, "t1").unread).toBe(true); // b is still unread
    const before = state();
    expect(withPostCounted(before, { post: post({ channel_id: "zz", user_id: "bob" }), mentions: ["me"], viewing: false })).toBe(before);
  });
});
