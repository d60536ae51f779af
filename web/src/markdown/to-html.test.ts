import { describe, expect, it } from "vitest";
import { markdownToHtml } from "./to-html.ts";
import { mentionKeysOf } from "./mentions.ts";

const keys = mentionKeysOf("Alice");

describe("markdownToHtml mentions", () => {
  it("marks @words as mentions, the reader's own and the channel-wide ones as theirs", () => {
    expect(markdownToHtml("hi @alice and @bob.", { mentionKeys: keys })).toBe(
      '<p>hi <span data-mention="alice" data-mention-me="">@alice</span> and <span data-mention="bob">@bob</span>.</p>\n',
    );
    expect(markdownToHtml("**@here** now", { mentionKeys: keys })).toBe(
      '<p><strong><span data-mention="here" data-mention-me="">@here</span></strong> now</p>\n',
    );
    expect(markdownToHtml("(@Alice_)", { mentionKeys: keys })).toBe(
      '<p>(<span data-mention="alice" data-mention-me="">@Alice</span>_)</p>\n',
    );
  });

  it("leaves code, addresses and @ inside words alone", () => {
    expect(markdownToHtml("`@alice`\n\n```\n@alice\n```", { mentionKeys: keys })).toBe(
      "<p><code>@alice</code></p>\n<pre><code>@alice\n</code></pre>\n",
    );
    expect(markdownToHtml("mail bob@example.com or a@alice", { mentionKeys: keys })).toBe(
      '<p>mail <a href="mailto:bob@example.com">bob@example.com</a> or a@alice</p>\n',
    );
  });

  it("marks no mention as the reader's without keys, and still shows raw HTML as text", () => {
    expect(markdownToHtml("@alice <b>x</b>")).toBe('<p><span data-mention="alice">@alice</span> &lt;b&gt;x&lt;/b&gt;</p>\n');
  });
});
