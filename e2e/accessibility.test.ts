/**
 * axe-core finds no serious or critical violation on the main views, the
 * app works from the keyboard, and a narrow window collapses the sidebar
 * behind a menu button. Screenshots of each view go to e2e/screenshots/.
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

async function seed() {
  const admin = await e2e.server.admin();
  const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { name: `a11y-${Date.now() % 100000}` });
  await e2e.server.createChannel(admin, { teamId: team.id, name: "private-room", type: "P" });
  await e2e.server.createPost(admin, {
    channelId: channel.id,
    message: "Welcome to **Sitrep**. See [the docs](https://example.com/docs).\n\n- one\n- two\n\n```\ncode block\n```",
  });
  await admin.post("/api/v4/posts", {
    channel_id: channel.id,
    message: "",
    props: {
      attachments: [
        {
          color: "danger",
          title: "CPU high",
          title_link: "https://example.com/alert",
          text: "on **db-prod**",
          fields: [{ title: "Severity", value: "SEV1", short: true }],
        },
      ],
    },
  });
  return { admin, team };
}

describe("accessibility", () => {
  test("login, signup, channel view and System Console have no serious or critical axe violations", async () => {
    const { admin, team } = await seed();
    const anonymous = await e2e.open({ path: "/login" });
    await anonymous.page.getByRole("heading", { name: "Log in to Sitrep" }).waitFor();
    expect(await e2e.axe(anonymous.page)).toEqual([]);
    await e2e.screenshot(anonymous.page, "login");
    await anonymous.page.goto("/signup");
    await anonymous.page.getByRole("heading", { name: "Create your account" }).waitFor();
    expect(await e2e.axe(anonymous.page)).toEqual([]);

    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    await page.getByText("CPU high").waitFor();
    expect(await e2e.axe(page)).toEqual([]);
    await e2e.screenshot(page, "channel");

    await page.getByRole("button", { name: "Browse channels" }).click();
    await page
      .getByRole("dialog", { name: "Browse channels" })
      .getByRole("button", { name: /Town Square/ })
      .waitFor();
    expect(await e2e.axe(page)).toEqual([]);
    await e2e.screenshot(page, "browse-channels");
    await page.keyboard.press("Escape");

    await page.goto("/admin_console/plugins");
    await page.getByRole("heading", { name: "Installed plugins" }).waitFor();
    expect(await e2e.axe(page)).toEqual([]);
    await page.goto("/admin_console/users");
    await page.getByRole("table").waitFor();
    expect(await e2e.axe(page)).toEqual([]);
    await e2e.screenshot(page, "admin-console-users");
    e2e.assertNoConsoleErrors();
  });

  test("the keyboard reaches channels, the composer and the menus, with a visible focus", async () => {
    const { admin, team } = await seed();
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    const composer = page.getByRole("textbox", { name: /Write to/ });
    await composer.waitFor();
    // Tab from the top of the page to the private channel link, then open it with Enter.
    await page.locator("body").focus();
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(
        () => document.activeElement?.tagName === "A" && (document.activeElement.textContent ?? "").includes("private-room"),
      );
    }
    expect(reached).toBe(true);
    const outline = await page.evaluate(
      () =>
        `${document.activeElement!.tagName}.${document.activeElement!.className} ${getComputedStyle(document.activeElement!).outlineStyle}`,
    );
    expect(outline).not.toMatch(/ none$/);
    await page.keyboard.press("Enter");
    await page.waitForURL("**/channels/private-room");
    await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.toBe("TEXTAREA");
    e2e.assertNoConsoleErrors();
  });

  test("a narrow window hides the sidebar behind a menu button", async () => {
    const { admin, team } = await seed();
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square`, viewport: { width: 400, height: 760 } });
    await page.getByText("CPU high").waitFor();
    const sidebar = page.getByRole("navigation", { name: "Channels" });
    await expect(sidebar.isVisible()).resolves.toBe(false);
    expect(await e2e.axe(page)).toEqual([]);
    await e2e.screenshot(page, "narrow-channel");
    const menu = page.getByRole("button", { name: "Channels menu" });
    await menu.click();
    await sidebar.waitFor({ state: "visible" });
    await expect(menu.getAttribute("aria-expanded")).resolves.toBe("true");
    await page.waitForTimeout(300); // the slide-in transition
    await e2e.screenshot(page, "narrow-menu");
    await page.getByRole("link", { name: "private-room" }).click();
    await page.waitForURL("**/channels/private-room");
    await sidebar.waitFor({ state: "hidden" });
    e2e.assertNoConsoleErrors();
  });
});
