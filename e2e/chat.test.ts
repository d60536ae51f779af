/**
 * The core chat flow in a real browser: sign-up and login with redirect,
 * creating a team, posting, live updates between two users, unread marks,
 * older posts on scroll.
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

describe("chat", () => {
  test("a signed-out visitor lands on /login and returns to the page after signing in", async () => {
    const admin = await e2e.server.admin();
    const { team } = await createTeamWithTownSquare(e2e.server, admin);
    const { page, allow } = await e2e.open({ path: `/${team.name}/channels/town-square` });
    allow(/status of 401 .*users\/login/);
    await page.waitForURL(/\/login\?redirect_to=/);
    expect(new URL(page.url()).searchParams.get("redirect_to")).toBe(`/${team.name}/channels/town-square`);
    await page.getByLabel("Email or username").fill(admin.user.username);
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Enter a valid email or username and/or password.");
    await page.getByLabel("Password").fill("password-123");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`**/${team.name}/channels/town-square`);
    await page.getByRole("heading", { level: 1, name: "Town Square" }).waitFor();
    e2e.assertNoConsoleErrors();
  });

  test("a new user signs up, creates a team and channel, and posts", async () => {
    const { page, allow } = await e2e.open({ path: "/signup" });
    const username = `newbie${Date.now() % 100000}`;
    await page.getByLabel("Email").fill(`${username}@example.com`);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill("password-123");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/select_team");
    await page.getByRole("heading", { name: "Welcome to Sitrep" }).waitFor();
    await page.getByLabel("Team name").fill(`Ops ${username}`);
    await page.getByRole("button", { name: "Create team" }).click();
    await page.waitForURL(`**/ops-${username}/channels/town-square`);

    // Creating a channel whose name is taken shows the server's message inline.
    await page.getByRole("button", { name: "Create channel" }).click();
    const dialog = page.getByRole("dialog", { name: "Create a channel" });
    await dialog.getByLabel("Name", { exact: true }).fill("Town Square");
    await dialog.getByLabel("URL name").fill("town-square");
    allow(/status of 409/);
    await dialog.getByRole("button", { name: "Create channel" }).click();
    await expect(dialog.getByRole("alert").textContent()).resolves.toMatch(/already exists in this team; try "town-square-2"/);
    await dialog.getByLabel("URL name").fill("war-room");
    await dialog.getByLabel("Private: only invited members").check();
    await dialog.getByRole("button", { name: "Create channel" }).click();
    await page.waitForURL(`**/channels/war-room`);
    await page
      .getByRole("region", { name: "Private channels" })
      .or(page.getByRole("heading", { name: "Private channels" }))
      .first()
      .waitFor();

    const composer = page.getByRole("textbox", { name: /Write to/ });
    await composer.fill("Hello **world**");
    await composer.press("Enter");
    await page.locator(".post .markdown strong", { hasText: "world" }).waitFor();
    // Shift+Enter makes a new line instead of sending.
    await composer.press("Shift+Enter");
    await expect(composer.inputValue()).resolves.toBe("\n");
    e2e.assertNoConsoleErrors();
  });

  test("two users: one posts, the other sees it live, and unread marks follow", async () => {
    const admin = await e2e.server.admin();
    const alice = await e2e.server.createUser();
    const bob = await e2e.server.createUser();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob] });
    const other = await e2e.server.createChannel(admin, { teamId: team.id, name: "other" });
    await e2e.server.addToChannel(admin, { channel: other, user: bob.user });

    const a = await e2e.open({ user: alice, path: `/${team.name}/channels/town-square` });
    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/town-square` });
    for (const p of [a.page, b.page]) await p.getByRole("textbox", { name: /Write to/ }).waitFor();
    await b.page.locator(".connection").waitFor({ state: "detached" });
    await a.page.locator(".connection").waitFor({ state: "detached" });

    const message = `live message ${Date.now()}`;
    await a.page.getByRole("textbox", { name: /Write to/ }).fill(message);
    await a.page.getByRole("textbox", { name: /Write to/ }).press("Enter");
    await b.page.getByText(message).waitFor({ timeout: 10_000 });

    // Bob moves to another channel; a new post in town-square marks it unread.
    await b.page.getByRole("link", { name: "other", exact: true }).click();
    await b.page.waitForURL("**/channels/other");
    await e2e.server.createPost(alice, { channelId: channel.id, message: "while you were away" });
    await b.page.locator(".channel-link.unread", { hasText: "Town Square" }).waitFor({ timeout: 10_000 });
    await b.page.locator(".channel-link.unread", { hasText: "Town Square" }).click();
    await b.page.getByText("while you were away").waitFor();
    await b.page.locator(".channel-link.unread").waitFor({ state: "detached" });
    await e2e.screenshot(b.page, "channel-view");
    e2e.assertNoConsoleErrors();
  });

  test("older posts load when scrolling up", async () => {
    const admin = await e2e.server.admin();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { name: "history" });
    for (let i = 1; i <= 75; i++) await e2e.server.createPost(admin, { channelId: channel.id, message: `history ${i}` });
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    await page.getByText("history 75", { exact: true }).waitFor();
    await expect(page.getByText("history 1", { exact: true }).count()).resolves.toBe(0);
    await page.locator(".post-list").evaluate((el) => (el.scrollTop = 0));
    await page.getByText("history 1", { exact: true }).waitFor({ timeout: 10_000 });
    await page.getByRole("heading", { name: "Beginning of Town Square" }).waitFor();
    e2e.assertNoConsoleErrors();
  });

  test("a permalink opens the channel with the post highlighted", async () => {
    const admin = await e2e.server.admin();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { name: "links" });
    const post = await e2e.server.createPost(admin, { channelId: channel.id, message: "the one to find" });
    await e2e.server.createPost(admin, { channelId: channel.id, message: "a later one" });
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/pl/${post.id}` });
    await page.locator(".post.highlighted", { hasText: "the one to find" }).waitFor();
    await page.getByRole("heading", { level: 1, name: "Town Square" }).waitFor();
    e2e.assertNoConsoleErrors();
  });

  test("a user without a team joins an open team, switches teams and logs out", async () => {
    const admin = await e2e.server.admin();
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { name: "open-house" });
    const carol = await e2e.server.createUser();
    const { page } = await e2e.open({ user: carol, path: "/" });
    await page.waitForURL("**/select_team");
    await page.getByRole("button", { name: `Join ${team.display_name}` }).click();
    await page.waitForURL(`**/${team.name}/channels/town-square`);
    await page.getByRole("textbox", { name: /Write to/ }).waitFor();
    await e2e.screenshot(page, "joined-team");

    // A second team appears in the team sidebar; switching keeps each team's channels apart.
    await page.getByRole("link", { name: "Join or create a team" }).click();
    await page.getByLabel("Team name").fill("Second team");
    await page.getByRole("button", { name: "Create team" }).click();
    await page.waitForURL("**/second-team/channels/town-square");
    await page.getByRole("navigation", { name: "Teams" }).getByRole("link", { name: team.display_name }).click();
    await page.waitForURL(`**/${team.name}/channels/town-square`);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL("**/login");
    await page.goto(`/${team.name}/channels/town-square`);
    await page.waitForURL(/\/login\?redirect_to=/);
    e2e.assertNoConsoleErrors();
  });

  test("a dropped WebSocket reconnects and catches up on what it missed", async () => {
    const admin = await e2e.server.admin();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { name: "flaky-net" });
    const { page, context } = await e2e.open({ user: admin });
    await context.addInitScript(() => {
      const Native = window.WebSocket;
      const sockets: WebSocket[] = [];
      (window as unknown as { __sockets: WebSocket[] }).__sockets = sockets;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      };
    });
    await page.goto(`/${team.name}/channels/town-square`);
    await page.getByRole("textbox", { name: /Write to/ }).waitFor();
    await page.locator(".connection").waitFor({ state: "detached" });

    await page.evaluate(() => {
      const socket = (window as unknown as { __sockets: WebSocket[] }).__sockets[0];
      if (!socket) throw new Error("the page opened no WebSocket");
      socket.close();
    });
    await e2e.server.createPost(admin, { channelId: channel.id, message: "sent while you were offline" });
    await page.getByText("sent while you were offline").waitFor({ timeout: 15_000 });
    await expect(page.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.length)).resolves.toBe(2);
    e2e.assertNoConsoleErrors();
  });
});
