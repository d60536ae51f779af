import { describe, expect, it } from "vitest";
import { KEYWORD_CASES, POST_TEXT_CASES } from "#common/text-match.cases.ts";
import type { PostTextSource } from "#common/text-match.ts";
import type { Post } from "#common/wire.ts";
import { messagePostedTrigger, messagePostedValues } from "./host-triggers.ts";

const channel = { id: "c".repeat(26), name: "alerts", team_id: "t".repeat(26) };

function postOf(source: PostTextSource): Post {
  const at = Date.now();
  return {
    id: "p".repeat(26),
    channel_id: channel.id,
    user_id: "u".repeat(26),
    root_id: "",
    type: "",
    create_at: at,
    update_at: at,
    edit_at: 0,
    delete_at: 0,
    ...source,
  };
}

/** The `message_posted` event of a post, as the host fires it. */
function eventOf(source: PostTextSource) {
  return {
    trigger: "message_posted",
    teamId: channel.team_id,
    depth: 0,
    values: messagePostedValues({ post: postOf(source), channel, username: "alice" }),
  };
}

describe("the message_posted trigger on the golden text-match cases", () => {
  it.each(POST_TEXT_CASES)("trigger.text: $name", ({ post, text }) => {
    expect(eventOf(post).values.text).toBe(text);
  });

  it.each(KEYWORD_CASES)("where.keywords: $name", ({ post, keyword, matches }) => {
    expect(messagePostedTrigger.matches?.({ channel: "alerts", keywords: [keyword] }, eventOf(post))).toBe(matches);
  });
});
