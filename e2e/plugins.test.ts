/**
 * Plugin UI at runtime: an admin uploads and enables a plugin in the System
 * Console; its header button and RHS appear in another user's open page,
 * disappear when the admin disables it, and come back when re-enabled — no reload.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildPlugin } from "../scripts/build-plugin.mjs";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
let bundle: string;
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-e2e-plugin-"));

beforeAll(async () => {
  bundle = await buildPlugin({ dir: path.join(import.meta.dirname, "fixtures", "hello-plugin"), outDir });
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe("plugin UI", () => {
  test("enable, disable and re-enable in the System Console reach another user's open page", async () => {
    const admin = await e2e.server.admin();
    const user = await e2e.server.createUser();
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { members: [user] });

    const console_ = await e2e.open({ user: admin, path: "/admin_console/plugins" });
    const viewer = await e2e.open({ user, path: `/${team.name}/channels/town-square` });
    await viewer.page.getByRole("textbox", { name: /Write to/ }).waitFor();
    const helloButton = viewer.page.getByRole("button", { name: "Hello", exact: true });
    await expect(helloButton.count()).resolves.toBe(0);

    // Upload through the console, then enable it.
    const { page } = console_;
    await page.getByRole("heading", { name: "Installed plugins" }).waitFor();
    await page.getByLabel("Plugin bundle (.tar.gz)").setInputFiles(bundle);
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByRole("status").filter({ hasText: "Uploaded Hello 0.1.0" }).waitFor();
    await page.getByRole("button", { name: "Enable Hello" }).click();
    await page.getByRole("button", { name: "Disable Hello" }).waitFor();

    // The viewer's page grows the button; it opens the RHS.
    await helloButton.waitFor({ timeout: 15_000 });
    await helloButton.click();
    const panel = viewer.page.getByRole("complementary", { name: "Hello panel" });
    await panel.getByText(`Hello, ${user.user.username}, from the Hello plugin.`).waitFor();
    await e2e.screenshot(viewer.page, "plugin-rhs");

    // The plugin's slash command is offered and answers ephemerally.
    const composer = viewer.page.getByRole("textbox", { name: /Write to/ });
    await composer.fill("/");
    await viewer.page.getByRole("option", { name: /\/hello/ }).waitFor();
    await composer.fill("/hello ");
    await viewer.page.getByRole("option", { name: /world/ }).waitFor();
    await composer.press("Enter"); // picks "world"
    await expect(composer.inputValue()).resolves.toBe("/hello world ");
    await composer.press("Enter");
    await viewer.page.locator(".post.ephemeral", { hasText: "Hello world!" }).waitFor();
    await viewer.page.locator(".post.ephemeral", { hasText: "(Only visible to you)" }).first().waitFor();

    // Disabled: the button goes away and the open panel gives way to a notice saying why (issue 12), without a reload.
    await page.getByRole("button", { name: "Disable Hello" }).click();
    await page.getByRole("button", { name: "Enable Hello" }).waitFor();
    await helloButton.waitFor({ state: "detached", timeout: 15_000 });
    await panel.getByRole("status").filter({ hasText: "an administrator disabled the plugin" }).waitFor();
    await panel.getByText(`Hello, ${user.user.username}, from the Hello plugin.`).waitFor({ state: "detached" });
    await e2e.screenshot(page, "admin-console-plugins");

    // Re-enabled: they come back.
    await page.getByRole("button", { name: "Enable Hello" }).click();
    await helloButton.waitFor({ timeout: 15_000 });
    // The panel that was open when the plugin went away may come back open by itself (the RHS is remembered).
    const hello = panel.getByText(`Hello, ${user.user.username}, from the Hello plugin.`);
    if (!(await hello.isVisible())) await helloButton.click();
    await hello.waitFor();
    e2e.assertNoConsoleErrors();
  });

  test("a plain user sees 'Not allowed' in the System Console", async () => {
    const user = await e2e.server.createUser();
    const { page } = await e2e.open({ user, path: "/admin_console/plugins" });
    await page.getByRole("heading", { name: "Not allowed" }).waitFor();
    await expect(page.getByRole("button", { name: "Upload" }).count()).resolves.toBe(0);
    e2e.assertNoConsoleErrors();
  });
});
