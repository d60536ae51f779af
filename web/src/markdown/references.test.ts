import { describe, expect, it } from "vitest";
import { emojiCharacter, moreEmojiLoader, needsMoreEmoji } from "./emoji.ts";
import { markdownToHtml } from "./to-html.ts";

const references = { teamName: "ops", channels: new Map([["alerts", "Alerts"]]), usernames: new Set(["bob"]) };

describe("~channel and @user links", () => {
  it("link the reader's channels and known users; other ~names, @names, ~~strike~~ and code stay as they are", () => {
    expect(markdownToHtml("see ~alerts, ~secret-room and ~~gone~~; a~b `~alerts`", { references })).toBe(
      '<p>see <a href="/ops/channels/alerts" data-internal="" data-channel-link="">~Alerts</a>, ~secret-room and <del>gone</del>; a~b <code>~alerts</code></p>\n',
    );
    expect(markdownToHtml("@bob and @carol", { references, mentionKeys: ["bob"] })).toBe(
      '<p><a href="/ops/messages/@bob" data-internal="" data-mention="bob" data-mention-me="">@bob</a> and <span data-mention="carol">@carol</span></p>\n',
    );
  });

  it("stay text without targets", () => {
    expect(markdownToHtml("~alerts")).toBe("<p>~alerts</p>\n");
  });
});

describe(":emoji:", () => {
  it("draws common names at once, the rest after the larger table loads, and leaves unknown names and code alone", async () => {
    expect(markdownToHtml(":smile: `:smile:` :no_such_emoji:")).toBe(
      '<p><span role="img" aria-label="smile" title=":smile:">😄</span> <code>:smile:</code> :no_such_emoji:</p>\n',
    );
    expect(needsMoreEmoji(":smile:")).toBe(false);
    expect(needsMoreEmoji(":smiley:")).toBe(true);
    expect(emojiCharacter("smiley")).toBeUndefined();
    await moreEmojiLoader();
    expect(emojiCharacter("smiley")).toBe("😃");
    expect(markdownToHtml(":smiley:")).toBe('<p><span role="img" aria-label="smiley" title=":smiley:">😃</span></p>\n');
    expect(needsMoreEmoji(":whatever:")).toBe(false);
  });
});
