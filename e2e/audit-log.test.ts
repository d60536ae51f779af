/**
 * The System Console's Audit log: a system admin reaches it from the console's
 * menu with the keyboard, sees failed and successful sign-ins and role changes
 * with who and from where, and "Refresh" shows what happened since the page
 * loaded; a non-admin is turned away.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startE2E, type E2E } from "./harness.ts";

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe("audit log", () => {
  test("lists security-relevant actions, newest first, and refreshes", async () => {
    const admin = await e2e.server.admin();
    const bob = await e2e.server.createUser();
    await e2e.server.anonymous.post("/api/v4/users/login", { login_id: "mallory", password: "guess-123" });

    const { page } = await e2e.open({ user: admin, path: "/admin_console/users" });
    const menuEntry = page.getByRole("navigation", { name: "System Console" }).getByRole("link", { name: "Audit log" });
    await menuEntry.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/admin_console\/audits$/);

    const table = page.getByRole("region", { name: "Audit log table" });
    const failed = table.getByRole("row").filter({ hasText: "failure - login_id=mallory" });
    await failed.waitFor();
    await expect(failed.getByRole("cell").nth(2).textContent()).resolves.toBe("127.0.0.1");
    await expect(failed.getByRole("cell").nth(3).textContent()).resolves.toBe("/api/v4/users/login");
    const signIn = table
      .getByRole("row")
      .filter({ hasText: "success" })
      .filter({ hasText: `@${bob.user.username}` });
    await expect(signIn.count()).resolves.toBeGreaterThan(0);

    // A change made after the page loaded shows on Refresh, at the top.
    expect((await admin.put(`/api/v4/users/${bob.user.id}/roles`, { roles: "system_admin system_user" })).status).toBe(200);
    const roleRow = table.getByRole("row").filter({ hasText: `user=${bob.user.id} roles=system_admin system_user` });
    await expect(roleRow.count()).resolves.toBe(0);
    await page.getByRole("button", { name: "Refresh" }).click();
    await roleRow.waitFor();
    await expect(table.getByRole("row").nth(1).textContent()).resolves.toContain(`user=${bob.user.id} roles=system_admin system_user`);
    await expect(roleRow.getByRole("cell").nth(1).textContent()).resolves.toBe(`@${admin.user.username}`);
    await expect(page.getByRole("button", { name: "Newer" }).isDisabled()).resolves.toBe(true);
    await e2e.screenshot(page, "admin-console-audit-log");
    expect(await e2e.axe(page)).toEqual([]);

    // Not for others: the console turns a non-admin away, and so does the API.
    const carol = await e2e.server.createUser();
    const other = await e2e.open({ user: carol, path: "/admin_console/audits" });
    await other.page.getByRole("heading", { name: "Not allowed" }).waitFor();
    await expect(other.page.getByRole("region", { name: "Audit log table" }).count()).resolves.toBe(0);
    e2e.assertNoConsoleErrors();
  });
});
