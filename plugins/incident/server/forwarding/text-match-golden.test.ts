import { describe, expect, it } from "vitest";
import { KEYWORD_CASES, POST_TEXT_CASES } from "#common/text-match.cases.ts";
import type { PostTextSource } from "#common/text-match.ts";
import type { Post } from "#common/wire.ts";
import { KeywordAutomaton } from "./keyword-automaton.ts";
import { forwardableText } from "./post-text.ts";
import { ForwardingRuleIndex, type ForwardingRuleInput, type MatchLookups } from "./rule-index.ts";

const TEAM = "t".repeat(26);
const lookups: MatchLookups = {
  channel: async (id) => (id === "alerts" ? { id, team_id: TEAM, name: "alerts", type: "O", delete_at: 0 } : null),
  username: async () => "alice",
};

function postOf(source: PostTextSource): Post {
  return {
    id: "p",
    channel_id: "alerts",
    user_id: "alice",
    root_id: "",
    type: "",
    create_at: 1,
    update_at: 1,
    edit_at: 0,
    delete_at: 0,
    ...source,
  };
}

function indexWith(rule: ForwardingRuleInput): ForwardingRuleIndex {
  const index = new ForwardingRuleIndex();
  index.upsertIncident({ incidentId: "inc1", teamId: TEAM, channelId: "inc1", rules: [rule] });
  return index;
}

describe("forwarding on the golden text-match cases", () => {
  it.each(POST_TEXT_CASES)("the text a rule reads: $name", ({ post, text }) => {
    // A regex rule is found by its source alone, so every post in ~alerts is a candidate.
    expect(indexWith({ from: ["alerts"], regex: "." }).candidates(postOf(post))?.text).toBe(text);
  });

  it.each(KEYWORD_CASES)("keywords: $name", async ({ post, keyword, matches }) => {
    const found = await indexWith({ from: ["alerts"], keywords: [keyword] }).match(postOf(post), lookups);
    expect(found.map((m) => m.incidentId)).toEqual(matches ? ["inc1"] : []);
    expect(new KeywordAutomaton(["unrelated", keyword]).scan(forwardableText(post)).has(1)).toBe(matches);
  });
});
