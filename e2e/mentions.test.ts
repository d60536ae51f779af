/**
 * Mentions between two browsers: a mention raises the channel's badge, the
 * team icon's and the count in the page title of the person mentioned, and
 * reading the channel clears them; the composer's @ autocomplete works from
 * the keyboard and the mention stands out for its reader; typing shows
 * under the other person's composer.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { channelSchema } from "#common/wire-schemas.ts";
import { expectBody } from "#testing";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

/** What the notification test's init script puts on the page's window. */
declare global {
  interface Window {
    /** Every notification the page made, in order. */
    __shown: Notification[];
    /** Whether the tab reads as hidden (`document.visibilityState`). */
    __tab: { hidden: boolean };
  }
}

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const suffix = () => String(Date.now() % 100000);

describe("mentions", () => {
  test("a mention raises the badge, the team icon's count and the title count in the other browser", async () => {
    const admin = await e2e.server.admin();
    const alice = await e2e.server.createUser({ username: `alice${suffix()}` });
    const bob = await e2e.server.createUser({ username: `bob${suffix()}` });
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob] });
    const other = await e2e.server.createChannel(admin, { teamId: team.id, name: "war-room" });
    for (const user of [alice, bob]) await e2e.server.addToChannel(admin, { channel: other, user: user.user });
    const { team: team2 } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob] });
    const far = await e2e.server.createChannel(admin, { teamId: team2.id, name: "far-away" });
    for (const user of [alice, bob]) await e2e.server.addToChannel(admin, { channel: far, user: user.user });

    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/town-square` });
    await b.page.getByRole("textbox", { name: /Write to/ }).waitFor();
    await b.page.locator(".connection").waitFor({ state: "detached" });
    await expect(b.page.title()).resolves.toBe(`Town Square · ${team.display_name} · Sitrep`);

    await e2e.server.createPost(alice, { channelId: other.id, message: `@${bob.user.username} can you look at the database?` });
    const warRoom = b.page.getByRole("link", { name: /war-room/ });
    await b.page.getByRole("link", { name: "war-room (1 mention)" }).waitFor({ timeout: 10_000 });
    await expect(warRoom.getAttribute("class")).resolves.toContain("unread");
    await b.page.waitForFunction((name) => document.title === `(1) Town Square · ${name} · Sitrep`, team.display_name);

    // A mention in another team: its icon counts it, and the title counts both.
    await e2e.server.createPost(alice, { channelId: far.id, message: `ping @${bob.user.username}` });
    const teamIcon = b.page.getByRole("navigation", { name: "Teams" }).getByRole("link", { name: `${team2.display_name} (1 mention)` });
    await teamIcon.waitFor({ timeout: 10_000 });
    await expect(teamIcon.locator('.mention-badge > [aria-hidden="true"]').textContent()).resolves.toBe("1");
    await b.page.waitForFunction(() => document.title.startsWith("(2) Town Square"));
    // A message without a mention makes a channel unread, not a mention.
    await e2e.server.createPost(alice, { channelId: other.id, message: "no mention here" });
    await b.page.getByRole("link", { name: "war-room (1 mention)" }).waitFor();
    await e2e.screenshot(b.page, "mention-badges");

    // Reading the channel clears its badge and the title count.
    await warRoom.click();
    await b.page.waitForURL("**/channels/war-room");
    await b.page.getByText("can you look at the database?").waitFor();
    await b.page.locator(`[data-mention="${bob.user.username}"][data-mention-me]`).first().waitFor();
    await b.page.waitForFunction((name) => document.title === `(1) war-room · ${name} · Sitrep`, team.display_name);
    await expect(warRoom.locator(".mention-badge").count()).resolves.toBe(0);
    const members = await bob.get(`/api/v4/users/${bob.user.id}/teams/${team.id}/channels/members`);
    expect(members.status).toBe(200);
    expect(members.body).toEqual(expect.arrayContaining([expect.objectContaining({ channel_id: other.id, mention_count: 0 })]));
    e2e.assertNoConsoleErrors();
  });

  test("@ autocomplete by keyboard: arrows move, Enter or Tab picks, Esc closes; the reader sees their mention and the typing", async () => {
    const admin = await e2e.server.admin();
    const s = suffix();
    const alice = await e2e.server.createUser({ username: `alice${s}` });
    const bob = await e2e.server.createUser({ username: `bobby${s}` });
    const bobcat = await e2e.server.createUser({ username: `bobcat${s}` });
    // bobcat is on the team, not in the channel: offered under "Other members".
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob, bobcat] });
    const ops = await e2e.server.createChannel(admin, { teamId: team.id, name: "ops" });
    for (const user of [alice, bob]) await e2e.server.addToChannel(admin, { channel: ops, user: user.user });

    const a = await e2e.open({ user: alice, path: `/${team.name}/channels/ops` });
    const b = await e2e.open({ user: bob, path: `/${team.name}/channels/ops` });
    for (const p of [a.page, b.page]) await p.locator(".connection").waitFor({ state: "detached" });
    const composer = a.page.getByRole("textbox", { name: /Write to/ });
    await composer.click();
    await composer.pressSequentially("hey @bob");
    const list = a.page.getByRole("listbox", { name: "People to mention" });
    await list.getByRole("option", { name: new RegExp(`@bobcat${s}`) }).waitFor();
    await expect(list.getByRole("option").allTextContents()).resolves.toEqual([`@bobby${s}`, `@bobcat${s}`]);
    await expect(list.getByRole("group").allTextContents()).resolves.toEqual([
      expect.stringContaining("Channel members"),
      expect.stringContaining("Other members"),
    ]);
    expect(await e2e.axe(a.page)).toEqual([]);

    // While alice types, bob sees it under his composer.
    await b.page.getByText(`${alice.user.username} is typing…`).waitFor({ timeout: 10_000 });

    await composer.press("ArrowDown");
    await expect(list.getByRole("option", { selected: true }).textContent()).resolves.toContain(`@bobcat${s}`);
    await composer.press("ArrowUp");
    await composer.press("Enter");
    await expect(composer.inputValue()).resolves.toBe(`hey @bobby${s} `);
    await list.waitFor({ state: "detached" });

    // Esc closes the list; the next keystroke opens it again. Tab picks a channel-wide mention.
    await composer.pressSequentially("and @cha");
    await list.getByRole("option", { name: /@channel/ }).waitFor();
    await composer.press("Escape");
    await list.waitFor({ state: "detached" });
    await composer.pressSequentially("n");
    await list.getByRole("option", { name: /@channel/ }).waitFor();
    await composer.press("Tab");
    await expect(composer.inputValue()).resolves.toBe(`hey @bobby${s} and @channel `);
    await composer.pressSequentially("the deploy is stuck");
    await composer.press("Enter");

    const post = b.page.locator(".post", { hasText: "the deploy is stuck" });
    await post.waitFor({ timeout: 10_000 });
    await post.locator(`[data-mention="bobby${s}"][data-mention-me]`).waitFor();
    await post.locator('[data-mention="channel"][data-mention-me]').waitFor();
    await b.page.getByText(`${alice.user.username} is typing…`).waitFor({ state: "detached" });
    // For alice the mention of bobby is marked, not as hers.
    const own = a.page.locator(".post", { hasText: "the deploy is stuck" });
    await expect(own.locator(`[data-mention="bobby${s}"]`).getAttribute("data-mention-me")).resolves.toBeNull();
    e2e.assertNoConsoleErrors();
  });

  test("a mention or a DM while the tab is hidden shows a desktop notification that leads to the channel; the banner asks once", async () => {
    const admin = await e2e.server.admin();
    const s = suffix();
    const alice = await e2e.server.createUser({ username: `alice${s}` });
    const bob = await e2e.server.createUser({ username: `bob${s}` });
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { members: [alice, bob] });
    const ops = await e2e.server.createChannel(admin, { teamId: team.id, name: "ops" });
    await e2e.server.addToChannel(admin, { channel: ops, user: bob.user });
    await e2e.server.addToChannel(admin, { channel: ops, user: alice.user });

    // Bob has not decided: the banner asks; "Not now" is remembered.
    const first = await e2e.open({ user: bob, path: `/${team.name}/channels/town-square` });
    const banner = first.page.getByRole("region", { name: "Desktop notifications" });
    await banner.waitFor();
    expect(await e2e.axe(first.page)).toEqual([]);
    await banner.getByRole("button", { name: "Not now" }).click();
    await banner.waitFor({ state: "detached" });
    await first.page.reload();
    await first.page.getByRole("textbox", { name: /Write to/ }).waitFor();
    await expect(banner.count()).resolves.toBe(0);

    // Allowed, and the tab hidden: each notification the page makes is recorded.
    const b = await e2e.open({ user: bob });
    await b.context.grantPermissions(["notifications"]);
    await b.context.addInitScript(() => {
      const shown: Notification[] = [];
      const state = { hidden: false };
      window.__shown = shown;
      window.__tab = state;
      const Native = window.Notification;
      window.Notification = class extends Native {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push(this);
        }
      };
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (state.hidden ? "hidden" : "visible") });
    });
    await b.page.goto(`/${team.name}/channels/town-square`);
    await b.page.locator(".connection").waitFor({ state: "detached" });
    await expect(b.page.getByRole("region", { name: "Desktop notifications" }).count()).resolves.toBe(0);
    const shown = () => b.page.evaluate(() => window.__shown.map((n) => ({ title: n.title, body: n.body })));
    const hide = (hidden: boolean) =>
      b.page.evaluate((value) => {
        window.__tab.hidden = value;
        document.dispatchEvent(new Event("visibilitychange"));
      }, hidden);

    // Visible: nothing. Hidden: a post without a mention, nothing; a mention, a notification.
    await e2e.server.createPost(alice, { channelId: ops.id, message: `@${bob.user.username} visible, no notification` });
    await b.page.getByRole("link", { name: "ops (1 mention)" }).waitFor({ timeout: 10_000 });
    await hide(true);
    await e2e.server.createPost(alice, { channelId: ops.id, message: "no mention, no notification" });
    await e2e.server.createPost(alice, { channelId: ops.id, message: `@${bob.user.username} the disk is full` });
    await b.page.waitForFunction(() => window.__shown.length === 1, undefined, { timeout: 10_000 });
    await expect(shown()).resolves.toEqual([{ title: "ops", body: `alice${s}: @${bob.user.username} the disk is full` }]);
    // The title counts what arrived in the hidden tab, in the channel in view too.
    await e2e.server.createPost(alice, { channelId: channel.id, message: `@${bob.user.username} in town square` });
    await b.page.waitForFunction(() => /^\(3\) (\* )?Town Square/.test(document.title), undefined, { timeout: 10_000 });
    // Back in front: the channel in view is read; the others keep their mentions.
    await hide(false);
    await b.page.waitForFunction(() => document.title.startsWith("(2) Town Square"), undefined, { timeout: 10_000 });
    await hide(true);

    // A direct message notifies without a mention; clicking the notification opens the channel.
    const dm = await alice.post("/api/v4/channels/direct", [alice.user.id, bob.user.id]);
    expect(dm.status).toBe(201);
    const dmChannel = expectBody(dm, channelSchema);
    await e2e.server.createPost(alice, { channelId: dmChannel.id, message: "call me" });
    await b.page.waitForFunction(() => window.__shown.length === 3, undefined, { timeout: 10_000 });
    await expect(shown().then((list) => list.at(-1))).resolves.toEqual({ title: `alice${s}`, body: `alice${s}: call me` });
    await b.page.evaluate(() => {
      const last = window.__shown.at(-1);
      last?.onclick?.(new Event("click"));
    });
    await b.page.waitForURL(`**/${team.name}/channels/${dmChannel.name}`);
    await b.page.getByText("call me").waitFor();
    // Opened from the notification, the DM is read: the two mentions in ops are left.
    await b.page.waitForFunction((name) => document.title.startsWith(`(2) ${name} · `), `alice${s}`);
    e2e.assertNoConsoleErrors();
  });
});
