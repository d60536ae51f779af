/**
 * Reactions in two browsers: the picker (search by name, arrows, Enter, Esc)
 * from the hover action and the post menu, chips with counts naming who
 * reacted, a click on a chip toggling one's own, all live.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const channelPosts = (page: Page) => page.getByRole("log", { name: /^Messages in/ });

async function connected(page: Page): Promise<void> {
  await page.getByRole("textbox", { name: /Write to/ }).waitFor();
  await page.locator(".connection").waitFor({ state: "detached" });
}

describe("reactions", () => {
  test("a reaction picked by name shows live with who reacted; clicking a chip toggles one's own", async () => {
    const admin = await e2e.server.admin();
    const alice = await e2e.server.createUser();
    const bob = await e2e.server.createUser();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob] });
    await e2e.server.createPost(alice, { channelId: channel.id, message: "deploy 42 is out" });
    const a = await e2e.open({ user: alice, path: `/${team.name}/channels/town-square` });
    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/town-square` });
    await Promise.all([connected(a.page), connected(b.page)]);
    const postIn = (page: Page) => channelPosts(page).locator(".post", { hasText: "deploy 42 is out" });

    // Bob: hover action, search "tad", Enter.
    await postIn(b.page).hover();
    await postIn(b.page).getByRole("button", { name: "Add reaction" }).click();
    const picker = b.page.getByRole("dialog", { name: "Add a reaction" });
    const search = picker.getByRole("combobox", { name: "Search emoji" });
    await expect(search.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await search.fill("tad");
    await expect(picker.getByRole("option").allTextContents()).resolves.toEqual(["🎉"]);
    await search.press("Enter");
    await picker.waitFor({ state: "detached" });

    const aliceChip = postIn(a.page).getByRole("button", { name: `${bob.user.username} reacted with :tada:` });
    await aliceChip.waitFor({ timeout: 10_000 });
    await expect(aliceChip.textContent()).resolves.toBe("🎉1");
    await expect(aliceChip.getAttribute("aria-pressed")).resolves.toBe("false");

    // Alice adds hers by clicking the chip: both see 2, each named from their side.
    await aliceChip.click();
    const aliceMine = postIn(a.page).getByRole("button", { name: `${bob.user.username} and you reacted with :tada:` });
    await aliceMine.waitFor();
    await expect(aliceMine.getAttribute("aria-pressed")).resolves.toBe("true");
    const bobChip = postIn(b.page).getByRole("button", { name: `${alice.user.username} and you reacted with :tada:` });
    await bobChip.waitFor({ timeout: 10_000 });
    await expect(bobChip.textContent()).resolves.toBe("🎉2");

    // Bob takes his back.
    await bobChip.click();
    await postIn(a.page).getByRole("button", { name: "You reacted with :tada:" }).waitFor({ timeout: 10_000 });
    await postIn(b.page)
      .getByRole("button", { name: `${alice.user.username} reacted with :tada:` })
      .waitFor();

    // The keyboard: the menu's Add reaction, arrows through the common ones, Enter; Esc closes without picking.
    await postIn(a.page).getByRole("button", { name: "More actions" }).focus();
    await a.page.keyboard.press("Enter");
    await a.page.getByRole("menuitem", { name: "Add reaction" }).waitFor();
    await a.page.keyboard.press("ArrowDown");
    await a.page.keyboard.press("Enter");
    const alicePicker = a.page.getByRole("dialog", { name: "Add a reaction" });
    await alicePicker.waitFor();
    await a.page.keyboard.press("Escape");
    await alicePicker.waitFor({ state: "detached" });
    await expect(
      postIn(a.page)
        .getByRole("button", { name: "More actions" })
        .evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await a.page.keyboard.press("Enter");
    await a.page.getByRole("menuitem", { name: "Add reaction" }).waitFor();
    await a.page.keyboard.press("ArrowDown");
    await a.page.keyboard.press("Enter");
    await alicePicker.waitFor();
    await e2e.screenshot(a.page, "emoji-picker");
    await a.page.keyboard.press("ArrowRight"); // +1 → -1
    await a.page.keyboard.press("ArrowDown"); // a row down: the 10th, :x:
    await expect(alicePicker.getByRole("option", { selected: true }).getAttribute("aria-label")).resolves.toBe(":x:");
    await a.page.keyboard.press("Enter");
    await postIn(b.page)
      .getByRole("button", { name: `${alice.user.username} reacted with :x:` })
      .waitFor({ timeout: 10_000 });
    await expect(postIn(b.page).locator(".reaction").allTextContents()).resolves.toEqual(["🎉1", "❌1"]);
    await e2e.screenshot(b.page, "reactions");
    expect(await e2e.axe(b.page)).toEqual([]);
    e2e.assertNoConsoleErrors();
  });
});
