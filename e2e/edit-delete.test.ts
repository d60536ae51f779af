/**
 * Editing and deleting posts in two browsers: an edit from the post menu and
 * with Up in an empty composer shows "(edited)" in the other browser; a
 * delete (after a confirm) disappears there, in an open thread too, and a
 * deleted root empties its open thread with a note; a system admin deletes
 * someone else's post; nobody gets Edit on a bot's post. A plugin's
 * `registerPostMenuAction` item shows in the menu and runs.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { postSchema } from "#common/wire-schemas.ts";
import type { UserClient } from "#testing";
import { buildPlugin } from "../scripts/build-plugin.mjs";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-e2e-quoter-"));

beforeAll(async () => {
  let bundle: string;
  [e2e, bundle] = await Promise.all([
    startE2E(),
    buildPlugin({ dir: path.join(import.meta.dirname, "fixtures", "post-menu-plugin"), outDir }),
  ]);
  const admin = await e2e.server.admin();
  const form = new FormData();
  form.append("plugin", new Blob([new Uint8Array(fs.readFileSync(bundle))], { type: "application/gzip" }), "quoter.tar.gz");
  expect((await admin.request("POST", "/api/v4/plugins", form)).status).toBe(201);
  expect((await admin.post("/api/v4/plugins/quoter/enable")).status).toBe(200);
});
afterAll(async () => {
  await e2e?.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

const channelPosts = (page: Page) => page.getByRole("log", { name: /^Messages in/ });
const threadPanel = (page: Page) => page.getByRole("complementary", { name: "Thread" });
const composer = (page: Page) => page.getByRole("textbox", { name: /Write to/ });

async function connected(page: Page): Promise<void> {
  await composer(page).waitFor();
  await page.locator(".connection").waitFor({ state: "detached" });
}

/** Opens a post's "⋯" menu; returns the labels of its items. */
async function openMenu(page: Page, text: string): Promise<string[]> {
  const post = channelPosts(page).locator(".post", { hasText: text });
  await post.hover();
  await post.getByRole("button", { name: "More actions" }).click();
  const menu = page.getByRole("menu", { name: "More actions" });
  await menu.waitFor();
  return menu.getByRole("menuitem").allTextContents();
}

/** Two signed-in browsers on a fresh team's Town Square. */
async function twoBrowsers(name: string) {
  const admin = await e2e.server.admin();
  const alice = await e2e.server.createUser();
  const bob = await e2e.server.createUser();
  const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { name, members: [alice, bob] });
  const open = async (user: UserClient) => {
    const opened = await e2e.open({ user, path: `/${team.name}/channels/town-square` });
    await connected(opened.page);
    return opened.page;
  };
  return { admin, alice, bob, team, channel, open };
}

describe("edit and delete", () => {
  test("an edit from the menu and one with Up in an empty composer show, marked (edited), in the other browser", async () => {
    const { alice, bob, channel, open } = await twoBrowsers("edits");
    await e2e.server.createPost(alice, { channelId: channel.id, message: "the databse is down" });
    const a = await open(alice);
    const b = await open(bob);

    expect(await openMenu(a, "the databse is down")).toEqual(["Reply", "Add reaction", "Edit", "Delete", "Quote this message"]);
    await e2e.screenshot(a, "post-menu");
    await a.getByRole("menuitem", { name: "Edit" }).click();
    const box = channelPosts(a).getByRole("textbox", { name: "Edit message" });
    await expect(box.inputValue()).resolves.toBe("the databse is down");
    await box.fill("the database is down");
    await box.press("Shift+Enter");
    await box.pressSequentially("since 10:02");
    await e2e.screenshot(a, "post-edit");
    await box.press("Enter");
    await box.waitFor({ state: "detached" });
    const edited = channelPosts(b).locator(".post", { hasText: "since 10:02" });
    await edited.getByText("(edited)").waitFor({ timeout: 10_000 });
    await expect(edited.locator(".markdown").textContent()).resolves.toMatch(/the database is down\s*since 10:02/);

    // Up in the empty composer edits the last own message; Esc cancels, and the focus is back in the composer.
    await composer(a).fill("");
    await composer(a).press("ArrowUp");
    await expect(box.inputValue()).resolves.toBe("the database is down\nsince 10:02");
    await box.press("Escape");
    await box.waitFor({ state: "detached" });
    await expect(composer(a).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await composer(a).press("ArrowUp");
    await box.fill("the database is back");
    await box.press("Enter");
    await channelPosts(b).locator(".post", { hasText: "the database is back" }).getByText("(edited)").waitFor({ timeout: 10_000 });
    await expect(composer(a).evaluate((el) => el === document.activeElement)).resolves.toBe(true);

    // Bob may neither edit nor delete Alice's message.
    expect(await openMenu(b, "the database is back")).toEqual(["Reply", "Add reaction", "Quote this message"]);
    await b.keyboard.press("Escape");
    await b.getByRole("menu").waitFor({ state: "detached" });
    e2e.assertNoConsoleErrors();
  });

  test("a delete, after a confirm, disappears in the other browser: from the channel, the open thread, and a deleted root's thread", async () => {
    const { alice, bob, channel, open } = await twoBrowsers("deletes");
    const root = await e2e.server.createPost(alice, { channelId: channel.id, message: "root to go" });
    for (const message of ["reply to go", "reply to stay"])
      await alice.post("/api/v4/posts", { channel_id: channel.id, root_id: root.id, message }, postSchema);
    const a = await open(alice);
    const b = await open(bob);
    await channelPosts(b).getByRole("button", { name: "2 replies", exact: true }).click();
    await threadPanel(b).getByText("reply to stay").waitFor();
    await channelPosts(a).getByRole("button", { name: "2 replies", exact: true }).click();

    // Alice deletes a reply from her open thread with the keyboard; Esc on the confirm keeps it first.
    const reply = threadPanel(a).locator(".post", { hasText: "reply to go" });
    await reply.getByRole("button", { name: "More actions" }).focus();
    await a.keyboard.press("Enter");
    const focused = (name: string) => a.getByRole("menuitem", { name }).evaluate((el) => el === document.activeElement);
    await expect.poll(() => focused("Reply")).toBe(true);
    await a.keyboard.press("End");
    await expect(focused("Quote this message")).resolves.toBe(true);
    await a.keyboard.press("ArrowDown");
    await expect(focused("Reply")).resolves.toBe(true);
    await a.keyboard.press("ArrowUp");
    await a.keyboard.press("ArrowUp");
    await expect(focused("Delete")).resolves.toBe(true);
    await a.keyboard.press("Enter");
    const confirm = a.getByRole("dialog", { name: "Delete message" });
    await confirm.getByText("Delete your message?").waitFor();
    await a.keyboard.press("Escape");
    await confirm.waitFor({ state: "detached" });
    await reply.getByRole("button", { name: "More actions" }).click();
    await a.getByRole("menuitem", { name: "Delete" }).click();
    await confirm.getByRole("button", { name: "Delete" }).click();
    await reply.waitFor({ state: "detached" });
    await threadPanel(b).getByText("reply to go").waitFor({ state: "detached", timeout: 10_000 });
    await threadPanel(b).getByText("1 reply", { exact: true }).waitFor();
    await channelPosts(b).getByRole("button", { name: "1 reply", exact: true }).waitFor();

    // Deleting the root takes its thread: Bob's open thread is emptied with a note.
    await openMenu(a, "root to go");
    await a.getByRole("menuitem", { name: "Delete" }).click();
    await confirm.getByText("Its reply is deleted with it.").waitFor();
    await confirm.getByRole("button", { name: "Delete" }).click();
    await channelPosts(b).getByText("root to go").waitFor({ state: "detached", timeout: 10_000 });
    await threadPanel(b).getByText("The message that started this thread was deleted, and its replies with it.").waitFor();
    await expect(threadPanel(b).getByText("reply to stay").count()).resolves.toBe(0);
    expect(await e2e.axe(b)).toEqual([]);
    e2e.assertNoConsoleErrors();
  });

  test("a system admin deletes someone else's post; a bot's post has no Edit; a plugin's menu item runs", async () => {
    const { admin, alice, bob, channel, open } = await twoBrowsers("admin-deletes");
    await e2e.server.createPost(alice, { channelId: channel.id, message: "posted by mistake" });
    const adminPage = await open(admin);
    const b = await open(bob);

    expect(await openMenu(adminPage, "posted by mistake")).toEqual(["Reply", "Add reaction", "Delete", "Quote this message"]);
    await adminPage.getByRole("menuitem", { name: "Delete" }).click();
    const confirm = adminPage.getByRole("dialog", { name: "Delete message" });
    await confirm.getByText("Delete this message?").waitFor();
    await confirm.getByRole("button", { name: "Delete" }).click();
    await channelPosts(b).getByText("posted by mistake").waitFor({ state: "detached", timeout: 10_000 });

    // The Quoter plugin's item has its bot quote Bob's message: a bot's record nobody edits.
    await e2e.server.createPost(bob, { channelId: channel.id, message: "status: mitigated" });
    await openMenu(b, "status: mitigated");
    await b.getByRole("menuitem", { name: "Quote this message" }).click();
    const quote = channelPosts(b).locator(".post", { hasText: "quoted: status: mitigated" });
    await quote.getByText("BOT").waitFor({ timeout: 10_000 });
    expect(await openMenu(b, "quoted: status: mitigated")).toEqual(["Reply", "Add reaction"]);
    await b.keyboard.press("Escape");
    expect(await openMenu(adminPage, "quoted: status: mitigated")).toEqual(["Reply", "Add reaction", "Delete"]);
    await adminPage.keyboard.press("Escape");
    // Up in the composer skips what is not one's own to edit: Bob's last message is his, not the bot's.
    await composer(b).press("ArrowUp");
    await expect(channelPosts(b).getByRole("textbox", { name: "Edit message" }).inputValue()).resolves.toBe("status: mitigated");
    await b.keyboard.press("Escape");
    e2e.assertNoConsoleErrors();
  });
});
