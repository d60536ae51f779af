import { describe, expect, it } from "vitest";
import { KEYWORD_CASES, POST_TEXT_CASES } from "#common/text-match.cases.ts";
import type { PostTextSource } from "#common/text-match.ts";
import { dryRun } from "./dry-run.ts";
import type { WorkflowSpec } from "./workflow.ts";

const catalog = { triggers: [], actions: [] };

/** A dry run of a message_posted workflow for a sample post in ~alerts. */
function run(props: { post: PostTextSource; where: Record<string, unknown> }) {
  const spec: WorkflowSpec = {
    name: "golden",
    run_as: "alice",
    enabled: true,
    trigger: { type: "message_posted", where: { channel: "alerts", ...props.where } },
    steps: [{ action: "echo", with: { text: "{{trigger.text}}" } }],
  };
  return dryRun({ spec, payload: { channel_name: "alerts", ...props.post }, catalog });
}

describe("the offline dry run on the golden text-match cases", () => {
  it.each(POST_TEXT_CASES)("trigger.text: $name", ({ post, text }) => {
    expect(run({ post, where: {} }).steps[0]?.input).toEqual({ text });
  });

  it.each(KEYWORD_CASES)("where.keywords: $name", ({ post, keyword, matches }) => {
    const result = run({ post, where: { keywords: [keyword] } });
    expect(result.matched).toBe(matches);
    expect(result.unmet).toEqual(matches ? [] : [`keywords: none of ${keyword} is a whole word of the text`]);
  });
});
