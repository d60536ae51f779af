import { describe, expect, it } from "vitest";
import { initialState, type AppState } from "./state.ts";
import { TYPING_SEND_INTERVAL_MS, typingDue, typingText, typistsOf, withTypist, withoutTypist } from "./typing.ts";

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

describe("typing", () => {
  it("shows a typist in their channel or thread until their time is up, never the user themselves", () => {
    let state: AppState = { ...initialState, me };
    state = withTypist(state, { channelId: "c", parentId: "", userId: "bob", until: 100 });
    state = withTypist(state, { channelId: "c", parentId: "", userId: "alice", until: 200 });
    state = withTypist(state, { channelId: "c", parentId: "root", userId: "carol", until: 200 });
    state = withTypist(state, { channelId: "c", parentId: "", userId: "me", until: 200 });
    expect(typistsOf(state, { channelId: "c", parentId: "", now: 50 })).toEqual(["alice", "bob"]);
    expect(typistsOf(state, { channelId: "c", parentId: "", now: 150 })).toEqual(["alice"]);
    expect(typistsOf(state, { channelId: "c", parentId: "root", now: 50 })).toEqual(["carol"]);
    expect(typistsOf(state, { channelId: "other", parentId: "", now: 50 })).toEqual([]);
  });

  it("forgets a typist when their time is up (not before), or at once when they posted", () => {
    const state = withTypist({ ...initialState, me }, { channelId: "c", parentId: "", userId: "bob", until: 100 });
    expect(withoutTypist(state, { channelId: "c", parentId: "", userId: "bob", now: 99 })).toBe(state);
    expect(withoutTypist(state, { channelId: "c", parentId: "", userId: "bob", now: 100 }).typing).toEqual({});
    expect(withoutTypist(state, { channelId: "c", parentId: "", userId: "bob" }).typing).toEqual({});
    expect(withoutTypist(state, { channelId: "c", parentId: "", userId: "nobody" })).toBe(state);
  });

  it("sends user_typing at most once per interval", () => {
    expect(typingDue(undefined, 1000)).toBe(true);
    expect(typingDue(1000, 1000 + TYPING_SEND_INTERVAL_MS - 1)).toBe(false);
    expect(typingDue(1000, 1000 + TYPING_SEND_INTERVAL_MS)).toBe(true);
  });

  it("says who is typing in a sentence", () => {
    expect(typingText([])).toBe("");
    expect(typingText(["alice"])).toBe("alice is typing…");
    expect(typingText(["alice", "bob"])).toBe("alice and bob are typing…");
    expect(typingText(["alice", "bob", "carol"])).toBe("alice, bob and carol are typing…");
    expect(typingText(["a", "b", "c", "d", "e"])).toBe("a, b and 3 others are typing…");
  });
});
