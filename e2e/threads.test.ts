/**
 * Threads in two browsers (collapsed reply threads): Reply opens the thread
 * in the right-hand sidebar over the plugin panel, a reply posted there
 * appears live in the other browser's open thread, the channel lists roots
 * only with their reply count (live), and unread marks still follow replies.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { postSchema } from "#common/wire-schemas.ts";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

/** The channel's post list (center). */
const channelPosts = (page: Page) => page.getByRole("log", { name: /^Messages in/ });
/** The open thread in the RHS. */
const threadPanel = (page: Page) => page.getByRole("complementary", { name: "Thread" });

async function connected(page: Page): Promise<void> {
  await page.getByRole("textbox", { name: /Write to/ }).waitFor();
  await page.locator(".connection").waitFor({ state: "detached" });
}

describe("threads", () => {
  test("a reply in the thread shows live in the other browser's open thread, and the count under the root follows", async () => {
    const admin = await e2e.server.admin();
    const alice = await e2e.server.createUser();
    const bob = await e2e.server.createUser();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob] });
    const root = await e2e.server.createPost(alice, { channelId: channel.id, message: "db-1 latency is up" });

    const a = await e2e.open({ user: alice, path: `/${team.name}/channels/town-square` });
    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/town-square` });
    await Promise.all([connected(a.page), connected(b.page)]);

    // Bob opens the thread from the root's hover action.
    const bobRoot = channelPosts(b.page).locator(".post", { hasText: "db-1 latency is up" });
    await bobRoot.hover();
    await bobRoot.getByRole("button", { name: "Reply", exact: true }).click();
    await threadPanel(b.page).getByText("No replies yet").waitFor();
    const bobReplyBox = threadPanel(b.page).getByRole("textbox", { name: "Reply in thread" });
    await expect(bobReplyBox.evaluate((el) => el === document.activeElement)).resolves.toBe(true);

    // Alice opens it with the keyboard: the menu's Reply item.
    const aliceRoot = channelPosts(a.page).locator(".post", { hasText: "db-1 latency is up" });
    await aliceRoot.getByRole("button", { name: "More actions" }).focus();
    await a.page.keyboard.press("Enter");
    await a.page.getByRole("menuitem", { name: "Reply" }).waitFor();
    await expect(a.page.getByRole("menuitem", { name: "Reply" }).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await a.page.keyboard.press("Enter");
    const aliceReplyBox = threadPanel(a.page).getByRole("textbox", { name: "Reply in thread" });
    await aliceReplyBox.fill("looking at it now");
    await aliceReplyBox.press("Enter");

    // Live in Bob's open thread, and not in either channel list; the root counts it.
    await threadPanel(b.page).locator(".post", { hasText: "looking at it now" }).waitFor({ timeout: 10_000 });
    await threadPanel(b.page).getByText("1 reply", { exact: true }).waitFor();
    for (const p of [a.page, b.page]) {
      await channelPosts(p).getByRole("button", { name: "1 reply", exact: true }).waitFor();
      await expect(channelPosts(p).getByText("looking at it now").count()).resolves.toBe(0);
    }

    // Bob answers; Alice's thread and both counts follow, replies oldest first.
    await bobReplyBox.fill("it is the **cache**");
    await bobReplyBox.press("Enter");
    await threadPanel(a.page).locator(".post strong", { hasText: "cache" }).waitFor({ timeout: 10_000 });
    await expect(
      threadPanel(a.page)
        .locator(".post .markdown")
        .evaluateAll((els) => els.map((el) => el.textContent?.trim())),
    ).resolves.toEqual(["db-1 latency is up", "looking at it now", "it is the cache"]);
    for (const p of [a.page, b.page]) await channelPosts(p).getByRole("button", { name: "2 replies", exact: true }).waitFor();

    // A reply made elsewhere (the API) arrives too and bumps the count.
    await alice.post("/api/v4/posts", { channel_id: channel.id, root_id: root.id, message: "rolled back" });
    await threadPanel(b.page).getByText("rolled back").waitFor({ timeout: 10_000 });
    await channelPosts(a.page).getByRole("button", { name: "3 replies", exact: true }).waitFor();
    await e2e.screenshot(b.page, "thread-rhs");
    expect(await e2e.axe(b.page)).toEqual([]);

    // Closing the thread; the count under the root opens it again.
    await threadPanel(b.page).getByRole("button", { name: "Close Thread" }).click();
    await threadPanel(b.page).waitFor({ state: "detached" });
    await channelPosts(b.page).getByRole("button", { name: "3 replies", exact: true }).click();
    await threadPanel(b.page).getByText("rolled back").waitFor();
    e2e.assertNoConsoleErrors();
  });

  test("a reply in a channel the user is not viewing marks it unread; reading it clears the mark", async () => {
    const admin = await e2e.server.admin();
    const alice = await e2e.server.createUser();
    const bob = await e2e.server.createUser();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { name: "replies-unread", members: [alice, bob] });
    const other = await e2e.server.createChannel(admin, { teamId: team.id, name: "other" });
    await e2e.server.addToChannel(admin, { channel: other, user: bob.user });
    const root = await e2e.server.createPost(alice, { channelId: channel.id, message: "root in town square" });

    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/other` });
    await connected(b.page);
    await alice.post("/api/v4/posts", { channel_id: channel.id, root_id: root.id, message: "a reply while bob is away" });
    await b.page.locator(".channel-link.unread", { hasText: "Town Square" }).waitFor({ timeout: 10_000 });
    await b.page.locator(".channel-link.unread", { hasText: "Town Square" }).click();
    await channelPosts(b.page).getByRole("button", { name: "1 reply", exact: true }).waitFor();
    await b.page.locator(".channel-link.unread").waitFor({ state: "detached" });
    e2e.assertNoConsoleErrors();
  });

  test("a permalink to a reply opens its thread beside the channel", async () => {
    const admin = await e2e.server.admin();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { name: "reply-links" });
    const root = await e2e.server.createPost(admin, { channelId: channel.id, message: "the root of it" });
    const reply = await admin.post("/api/v4/posts", { channel_id: channel.id, root_id: root.id, message: "the reply to find" }, postSchema);
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/pl/${reply.body.id}` });
    await threadPanel(page).getByText("the reply to find").waitFor();
    await page.locator(".post.highlighted", { hasText: "the root of it" }).waitFor();
    e2e.assertNoConsoleErrors();
  });
});
