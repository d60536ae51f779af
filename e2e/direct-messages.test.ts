/**
 * Direct and group messages in the browser: made from the "+" of the
 * Direct messages section with the user picker (keyboard only), shown live
 * to the other person (who can answer), named after the other members, and
 * closed to a third user who has the address.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { channelSchema } from "#common/wire-schemas.ts";
import { expectBody } from "#testing";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe("direct messages", () => {
  test("a DM made from the picker reaches the other user live, who answers; a third user cannot open it by URL", async () => {
    const admin = await e2e.server.admin();
    const s = String(Date.now() % 100000);
    const alice = await e2e.server.createUser({ username: `alice${s}` });
    const bob = await e2e.server.createUser({ username: `bob${s}` });
    const carol = await e2e.server.createUser({ username: `carol${s}` });
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob, carol] });

    const a = await e2e.open({ user: alice, path: `/${team.name}/channels/town-square` });
    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/town-square` });
    for (const p of [a.page, b.page]) await p.locator(".connection").waitFor({ state: "detached" });
    const bobDirect = b.page.getByRole("region", { name: "Direct messages" });
    await bobDirect.getByText("Nobody yet").waitFor();

    // Alice: "+", type part of the name, Enter picks bob, Enter again opens the DM.
    await a.page.getByRole("button", { name: "Write a direct message" }).click();
    const picker = a.page.getByRole("dialog", { name: "Direct messages" });
    const search = picker.getByRole("combobox", { name: "Search people" });
    await expect(search.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await search.pressSequentially(`bob${s}`);
    await picker.getByRole("option", { name: new RegExp(`@bob${s}`), selected: true }).waitFor();
    expect(await e2e.axe(a.page)).toEqual([]);
    await e2e.screenshot(a.page, "user-picker");
    await search.press("Enter");
    await picker.getByRole("button", { name: `Remove bob${s}` }).waitFor();
    await search.press("Enter");
    await picker.waitFor({ state: "detached" });
    await a.page.waitForURL(/\/channels\/[a-z0-9]{26}__[a-z0-9]{26}$/);
    await a.page.getByRole("heading", { level: 1, name: `bob${s}` }).waitFor();
    const dmPath = new URL(a.page.url()).pathname;

    const composer = a.page.getByRole("textbox", { name: `Write to bob${s}` });
    await composer.fill("private hello");
    await composer.press("Enter");

    // Bob: the DM appears at once, named after alice, with the message counted as a mention.
    const fromAlice = bobDirect.getByRole("link", { name: new RegExp(`alice${s}`) });
    await fromAlice.waitFor({ timeout: 10_000 });
    await bobDirect.getByRole("link", { name: new RegExp(`alice${s}.*\\(1 mention\\)`) }).waitFor({ timeout: 10_000 });
    await b.page.waitForFunction(() => document.title.startsWith("(1) "));
    await fromAlice.click();
    await b.page.getByText("private hello").waitFor();
    const reply = b.page.getByRole("textbox", { name: `Write to alice${s}` });
    await reply.fill("hi back");
    await reply.press("Enter");
    await a.page.getByText("hi back").waitFor({ timeout: 10_000 });
    await e2e.screenshot(b.page, "direct-message");

    // Carol has the address, and gets nothing of it.
    const c = await e2e.open({ user: carol, path: dmPath });
    c.allow(/status of 404/);
    await c.page.getByRole("heading", { name: "Channel not found" }).waitFor();
    await expect(c.page.getByText("private hello").count()).resolves.toBe(0);
    const channelName = dmPath.split("/").at(-1) ?? "";
    const dm = await alice.get(`/api/v4/teams/${team.id}/channels/name/${channelName}`);
    const direct = await alice.post("/api/v4/channels/direct", [alice.user.id, bob.user.id]);
    expect(direct.status).toBe(201);
    const channel = expectBody(direct, channelSchema);
    expect(channel.name).toBe(channelName);
    expect(dm.status).toBe(404); // a DM belongs to no team
    const read = await carol.get(`/api/v4/channels/${channel.id}/posts`);
    // The one answer for "missing" and "not yours": nothing says the DM exists.
    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ message: "channel not found, or you do not have access to it" });
    e2e.assertNoConsoleErrors();
  });

  test("a group message with two people picked shows for both, named after the others", async () => {
    const admin = await e2e.server.admin();
    const s = String(Date.now() % 100000);
    const alice = await e2e.server.createUser({ username: `alice${s}` });
    const bob = await e2e.server.createUser({ username: `bob${s}` });
    const carol = await e2e.server.createUser({ username: `carol${s}` });
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob, carol] });

    const a = await e2e.open({ user: alice, path: `/${team.name}/channels/town-square` });
    const c = await e2e.open({ user: carol, path: `/${team.name}/channels/town-square` });
    for (const p of [a.page, c.page]) await p.locator(".connection").waitFor({ state: "detached" });

    await a.page.getByRole("button", { name: "Write a direct message" }).click();
    const picker = a.page.getByRole("dialog", { name: "Direct messages" });
    const search = picker.getByRole("combobox", { name: "Search people" });
    await search.pressSequentially(`bob${s}`);
    await picker.getByRole("option", { name: new RegExp(`@bob${s}`), selected: true }).waitFor();
    await search.press("Enter");
    await search.pressSequentially(`carol${s}`);
    await picker.getByRole("option", { name: new RegExp(`@carol${s}`), selected: true }).waitFor();
    await search.press("Enter");
    // Backspace in the empty box takes the last one back; picked again, the button goes on.
    await search.press("Backspace");
    await picker.getByRole("button", { name: `Remove carol${s}` }).waitFor({ state: "detached" });
    await search.pressSequentially(`carol${s}`);
    await picker.getByRole("option", { name: new RegExp(`@carol${s}`), selected: true }).waitFor();
    await search.press("Enter");
    await picker.getByRole("button", { name: "Go" }).click();
    await picker.waitFor({ state: "detached" });
    await a.page.getByRole("heading", { level: 1, name: `bob${s}, carol${s}` }).waitFor();
    await a.page.getByRole("textbox", { name: /Write to/ }).fill("group hello");
    await a.page.getByRole("textbox", { name: /Write to/ }).press("Enter");

    const group = c.page.getByRole("region", { name: "Direct messages" }).getByRole("link", { name: new RegExp(`alice${s}, bob${s}`) });
    await group.waitFor({ timeout: 10_000 });
    await group.click();
    await c.page.getByText("group hello").waitFor();
    e2e.assertNoConsoleErrors();
  });
});
