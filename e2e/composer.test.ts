/**
 * The composer's slash commands and interactive dialogs: autocomplete from the
 * first `/`, keyboard picking, unknown commands answered as an ephemeral post,
 * goto_location, and a dialog opened by a command with per-field errors.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
const submissions: Array<Record<string, string>> = [];

beforeAll(async () => {
  e2e = await startE2E();
  const { host } = e2e.server;
  host.commands.register("e2e", {
    trigger: "deploy",
    description: "Deploy a service",
    hint: "[start|status]",
    subcommands: [
      { name: "start", hint: "<service>", description: "Start a deploy" },
      { name: "status", description: "Show the deploy status" },
    ],
    execute: (args) => ({ response_type: "ephemeral", text: `deploy ${args.args.join(" ")}` }),
  });
  host.commands.register("e2e", {
    trigger: "goto",
    description: "Go to a channel",
    execute: (args) => ({ response_type: "ephemeral", text: "", goto_location: `/${args.args[0]}/channels/elsewhere` }),
  });
  host.commands.register("e2e", {
    trigger: "form",
    description: "Open a form",
    execute: (args) => {
      host.dialogs.open("e2e", {
        userId: args.userId,
        channelId: args.channelId,
        teamId: args.teamId,
        dialog: {
          title: "Report a problem",
          introduction_text: "Tell us **what** broke.",
          submit_label: "Report",
          elements: [
            { name: "summary", display_name: "Summary", type: "text", placeholder: "One line" },
            {
              name: "severity",
              display_name: "Severity",
              type: "select",
              options: [
                { text: "High", value: "high" },
                { text: "Low", value: "low" },
              ],
            },
            { name: "details", display_name: "Details", type: "textarea", optional: true, help_text: "Anything else" },
          ],
        },
        onSubmit: ({ values }) => {
          if ((values.summary ?? "").length < 5) return { errors: { summary: "Summary must be at least 5 characters." } };
          submissions.push(values);
        },
      });
      return { response_type: "ephemeral", text: "" };
    },
  });
});
afterAll(async () => {
  await e2e?.close();
});

describe("composer", () => {
  test("typing / lists commands; arrows and Tab pick; Esc closes; unknown commands answer with the server's message", async () => {
    const admin = await e2e.server.admin();
    const { team } = await createTeamWithTownSquare(e2e.server, admin);
    const { page, allow } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    const composer = page.getByRole("textbox", { name: /Write to/ });
    await composer.waitFor();

    await composer.press("/");
    const list = page.getByRole("listbox", { name: "Slash commands" });
    await list.waitFor();
    // The plugins' commands and the built-ins Mattermost users type (/echo, /me, ...), sorted by trigger.
    const options = await list.getByRole("option").allTextContents();
    expect(options.slice(0, 4).map((o) => o.split(" ")[0])).toEqual(["/away", "/deploy", "/dnd", "/echo"]);
    expect(options).toEqual(
      expect.arrayContaining([expect.stringContaining("/form"), expect.stringContaining("/goto"), expect.stringContaining("/me ")]),
    );
    await e2e.screenshot(page, "slash-autocomplete");
    await composer.press("ArrowDown");
    await composer.press("ArrowDown");
    await expect(list.getByRole("option", { selected: true }).textContent()).resolves.toContain("/dnd");
    await composer.press("ArrowUp");
    await expect(list.getByRole("option", { selected: true }).textContent()).resolves.toContain("/deploy");
    await composer.press("Tab");
    await expect(composer.inputValue()).resolves.toBe("/deploy ");
    await expect(list.getByRole("option").allTextContents()).resolves.toEqual([
      expect.stringContaining("start <service>"),
      expect.stringContaining("status"),
    ]);
    await composer.press("Escape");
    await list.waitFor({ state: "detached" });

    await composer.fill("/deploy start api");
    await composer.press("Enter");
    await page.locator(".post.ephemeral", { hasText: "deploy start api" }).waitFor();

    allow(/status of 404/);
    await composer.fill("/nosuchthing now");
    await composer.press("Enter");
    const reply = page.locator(".post.ephemeral", { hasText: "Command with a trigger of '/nosuchthing' not found." });
    await reply.waitFor();
    await expect(reply.textContent()).resolves.toContain("(Only visible to you)");
    await expect(composer.inputValue()).resolves.toBe("");
    e2e.assertNoConsoleErrors();
  });

  test("/dep pasted at once still gets its suggestions; the list is fetched once per session, not per /", async () => {
    const admin = await e2e.server.admin();
    const { team } = await createTeamWithTownSquare(e2e.server, admin);
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    let fetches = 0;
    page.on("request", (request) => {
      if (request.url().includes("/api/v4/commands/autocomplete")) fetches += 1;
    });
    const composer = page.getByRole("textbox", { name: /Write to/ });
    await composer.waitFor();
    const list = page.getByRole("listbox", { name: "Slash commands" });

    await composer.fill("/dep"); // never exactly "/": the list must not wait for it
    await list.waitFor();
    await expect(list.getByRole("option").allTextContents()).resolves.toEqual([expect.stringContaining("/deploy")]);
    await composer.fill("");
    await composer.fill("/fo");
    await expect(list.getByRole("option").allTextContents()).resolves.toEqual([expect.stringContaining("/form")]);
    await composer.fill("/");
    // Every command again (the plugins' three and the built-ins), from the list fetched once.
    await expect(list.getByRole("option").count()).resolves.toBeGreaterThan(3);
    expect(fetches).toBeLessThanOrEqual(1);
    e2e.assertNoConsoleErrors();
  });

  test("goto_location navigates inside the app", async () => {
    const admin = await e2e.server.admin();
    const { team } = await createTeamWithTownSquare(e2e.server, admin);
    await e2e.server.createChannel(admin, { teamId: team.id, name: "elsewhere" });
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    const composer = page.getByRole("textbox", { name: /Write to/ });
    await composer.fill(`/goto ${team.name}`);
    await composer.press("Enter");
    await page.waitForURL(`**/${team.name}/channels/elsewhere`);
    await page.getByRole("heading", { level: 1, name: "elsewhere" }).waitFor();
    e2e.assertNoConsoleErrors();
  });

  test("a dialog opened by a command shows field errors, submits, and Esc cancels", async () => {
    const admin = await e2e.server.admin();
    const { team } = await createTeamWithTownSquare(e2e.server, admin);
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    const composer = page.getByRole("textbox", { name: /Write to/ });
    await composer.fill("/form");
    await composer.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Report a problem" });
    await dialog.waitFor();
    await dialog.getByText("what").waitFor();
    await dialog.getByLabel("Summary").fill("bad");
    await dialog.getByLabel("Severity").selectOption("high");
    await e2e.screenshot(page, "dialog");
    await dialog.getByRole("button", { name: "Report" }).click();
    await dialog.getByText("Summary must be at least 5 characters.").waitFor();
    await expect(dialog.getByLabel("Summary").getAttribute("aria-invalid")).resolves.toBe("true");
    await dialog.getByLabel("Summary").fill("the database is down");
    await dialog.getByRole("button", { name: "Report" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(submissions).toEqual([{ summary: "the database is down", severity: "high", details: "" }]);

    await composer.fill("/form");
    await composer.press("Enter");
    await dialog.waitFor();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(submissions).toHaveLength(1);
    e2e.assertNoConsoleErrors();
  });
});
