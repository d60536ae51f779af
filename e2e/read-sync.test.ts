/**
 * Read state follows the user across tabs and devices: a channel read in one
 * browser is read in the other at once (`multiple_channels_viewed`, as
 * Mattermost sends it to every connection of the user).
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, test } from "vitest";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

async function connected(page: Page): Promise<void> {
  await page.getByRole("textbox", { name: /Write to/ }).waitFor();
  await page.locator(".connection").waitFor({ state: "detached" });
}

describe("read state across a user's browsers", () => {
  test("reading a channel in one browser clears its unread mark in the other", async () => {
    const admin = await e2e.server.admin();
    const alice = await e2e.server.createUser();
    const bob = await e2e.server.createUser();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { name: "read-sync", members: [alice, bob] });
    const other = await e2e.server.createChannel(admin, { teamId: team.id, name: "elsewhere" });
    await e2e.server.addToChannel(admin, { channel: other, user: bob.user });
    const laptop = await e2e.open({ user: bob, path: `/${team.name}/channels/elsewhere` });
    const phone = await e2e.open({ user: bob, path: `/${team.name}/channels/elsewhere` });
    await connected(laptop.page);
    await connected(phone.page);
    await e2e.server.createPost(alice, { channelId: channel.id, message: "news while bob looks elsewhere" });
    for (const { page } of [laptop, phone])
      await page.locator(".channel-link.unread", { hasText: "Town Square" }).waitFor({ timeout: 10_000 });
    await laptop.page.locator(".channel-link.unread", { hasText: "Town Square" }).click();
    await laptop.page.getByText("news while bob looks elsewhere").waitFor();
    // The phone still shows "elsewhere", and Town Square is read there too.
    await phone.page.locator(".channel-link.unread", { hasText: "Town Square" }).waitFor({ state: "detached", timeout: 10_000 });
    e2e.assertNoConsoleErrors();
  });
});
