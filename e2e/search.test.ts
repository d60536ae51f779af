/**
 * Search in a real browser: the header's search box finds a message of a
 * public channel and never one of a private channel the searcher is not in;
 * results show channel, author, time and the matched words marked; a result
 * jumps to the post highlighted in its channel; hints, "no results" and the
 * keyboard.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe("search", () => {
  test("finds a public channel's message and not a private one's; a result jumps to the post highlighted", async () => {
    const admin = await e2e.server.admin();
    const alice = await e2e.server.createUser();
    const bob = await e2e.server.createUser();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { name: "searching", members: [alice, bob] });
    const secret = await e2e.server.createChannel(alice, { teamId: team.id, type: "P", name: "secret-ops" });
    const ops = await e2e.server.createChannel(alice, { teamId: team.id, type: "O", name: "ops" });
    await e2e.server.createPost(alice, { channelId: secret.id, message: "the haystack needle is in the private vault" });
    const found = await e2e.server.createPost(alice, { channelId: channel.id, message: "the haystack **needle** is in the public barn" });
    // A public channel bob is not in: its posts are found too, as in Mattermost.
    await e2e.server.createPost(alice, { channelId: ops.id, message: "another needle, in ops" });
    for (let i = 0; i < 30; i++) await e2e.server.createPost(alice, { channelId: channel.id, message: `filler ${i}` });

    const { page } = await e2e.open({ user: bob, path: `/${team.name}/channels/town-square` });
    await page.getByRole("textbox", { name: /Write to/ }).waitFor();
    const box = page.getByRole("searchbox", { name: "Search messages" });

    // The shortcut focuses the box; its hints list the filters, and a hint starts one.
    await page.keyboard.press("Control+Shift+F");
    await expect(box.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    const hints = page.getByRole("search").locator(".search-hints");
    await hints.waitFor();
    await expect(hints.textContent()).resolves.toContain("from:username");
    await expect(hints.textContent()).resolves.toContain("in:channel-name");
    await expect(hints.textContent()).resolves.toContain('"exact phrase"');
    await hints.getByRole("button", { name: /from:username/ }).click();
    await expect(box.inputValue()).resolves.toBe("from:");
    await box.press("Escape");
    await hints.waitFor({ state: "detached" });

    await box.fill("needle");
    await box.press("Enter");
    const rhs = page.getByRole("complementary", { name: "Search results" });
    const results = rhs.getByRole("listitem");
    await results.first().waitFor({ timeout: 10_000 });
    await expect(rhs.getByRole("status").textContent()).resolves.toBe("2 results for “needle”");
    await expect(results.count()).resolves.toBe(2);
    await expect(rhs.textContent()).resolves.not.toContain("private vault");
    const publicResult = results.filter({ hasText: "public barn" });
    await expect(publicResult.locator(".search-result-channel").textContent()).resolves.toBe("Town Square");
    await expect(publicResult.locator(".post-author").textContent()).resolves.toBe(alice.user.username);
    await expect(publicResult.locator("time").getAttribute("datetime")).resolves.toBe(new Date(found.create_at).toISOString());
    await expect(publicResult.locator("mark").allTextContents()).resolves.toEqual(["needle"]);
    await expect(publicResult.locator("strong mark").count()).resolves.toBe(1); // the markdown is kept around the mark
    await expect(results.filter({ hasText: "another needle" }).locator(".search-result-channel").textContent()).resolves.toBe("ops");
    expect(await e2e.axe(page)).toEqual([]);
    await e2e.screenshot(page, "search-results");

    // Up and Down move between the results' Jump links; Enter on one opens the post in its channel, highlighted.
    const jumps = rhs.getByRole("link", { name: /^Jump to the message of/ });
    await jumps.first().focus();
    await page.keyboard.press("ArrowDown");
    await expect(jumps.nth(1).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press("ArrowUp");
    await expect(jumps.nth(0).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await publicResult.getByRole("link", { name: /^Jump/ }).press("Enter");
    await page.waitForURL(`**/${team.name}/pl/${found.id}`);
    await page.locator(".post.highlighted", { hasText: "public barn" }).waitFor();
    await page.getByRole("heading", { level: 1, name: "Town Square" }).waitFor();
    // The results stay open beside the channel.
    await expect(results.count()).resolves.toBe(2);

    // The private channel's member finds it there.
    const a = await e2e.open({ user: alice, path: `/${team.name}/channels/town-square` });
    await a.page.getByRole("searchbox", { name: "Search messages" }).fill('"haystack needle"');
    await a.page.getByRole("searchbox", { name: "Search messages" }).press("Enter");
    const theirs = a.page.getByRole("complementary", { name: "Search results" }).getByRole("listitem");
    await theirs.nth(1).waitFor({ timeout: 10_000 });
    await expect(theirs.filter({ hasText: "private vault" }).locator(".search-result-channel").textContent()).resolves.toBe(
      secret.display_name,
    );
    e2e.assertNoConsoleErrors();
  });

  test("a search with no results says so with the hints; closing the results brings the channel back alone", async () => {
    const admin = await e2e.server.admin();
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { name: "nothing-here" });
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    // The channel in view first: the header of the loading page is replaced, and with it what its box held.
    await page.getByRole("textbox", { name: /Write to/ }).waitFor();
    const box = page.getByRole("searchbox", { name: "Search messages" });
    await box.fill("xylophonequartet");
    await box.press("Enter");
    const rhs = page.getByRole("complementary", { name: "Search results" });
    await rhs.getByText("No results for “xylophonequartet”.").waitFor({ timeout: 10_000 });
    await expect(rhs.locator(".search-hints").textContent()).resolves.toContain("from:username");
    expect(await e2e.axe(page)).toEqual([]);
    await rhs.getByRole("button", { name: "Close Search results" }).click();
    await rhs.waitFor({ state: "detached" });
    e2e.assertNoConsoleErrors();
  });
});
