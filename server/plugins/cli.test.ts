import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pluginListSchema } from "#common/wire-schemas.ts";
import { CliError } from "../cli/client.ts";
import { registerPluginCommands } from "../cli/plugin-commands.ts";
import { exampleBundle, startTestServer, type TestClient, type TestServer } from "#testing";

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "../../bin/sitrep.mjs");

let server: TestServer;
let admin: TestClient;
let bundleFile: string;
let tmp: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-cli-"));
  bundleFile = path.join(tmp, "example.tar.gz");
  fs.writeFileSync(bundleFile, await exampleBundle());
});
afterAll(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * Run `sitrep plugin ...` in this process (fast): stdout lines, or the
 * CliError message on stderr with code 1, as `runCli` prints them.
 */
async function sitrep(args: string[], token = admin.token!): Promise<{ code: number; stdout: string; stderr: string }> {
  const lines: string[] = [];
  const program = new Command("sitrep").exitOverride();
  registerPluginCommands(program, { log: (line) => lines.push(line) });
  try {
    await program.parseAsync(["plugin", ...args, "--url", server.url, "--token", token], { from: "user" });
    return { code: 0, stdout: lines.map((l) => l + "\n").join(""), stderr: "" };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { code: 1, stdout: lines.map((l) => l + "\n").join(""), stderr: `error: ${error.message}\n` };
  }
}

/** Run the real `bin/sitrep.mjs plugin ...` as a separate process (the server keeps answering meanwhile). */
async function sitrepBin(args: string[], token = admin.token!): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, "plugin", ...args, "--url", server.url, "--token", token], {
      env: { ...process.env, SITREP_URL: "", SITREP_TOKEN: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("sitrep plugin", () => {
  it("lists, installs, enables, disables and uninstalls against a running server", async () => {
    expect(await sitrep(["list"])).toMatchObject({ code: 0, stdout: "No plugins installed.\n" });

    const installed = await sitrepBin(["install", bundleFile, "--enable"]);
    expect(installed.code).toBe(0);
    expect(installed.stdout).toMatch(
      /^Uploading example\.tar\.gz \(\d+ KB\) to http:\/\/127\.0\.0\.1:\d+\.\.\.\nInstalled example 1\.0\.0\.\nEnabled example\.\n$/,
    );
    expect((await admin.get("/api/v4/plugins", pluginListSchema)).body.active.map((p: { id: string }) => p.id)).toEqual(["example"]);

    const list = await sitrepBin(["list"]);
    expect(list.stdout).toBe(["ID       VERSION  NAME     STATE", "example  1.0.0    Example  active", ""].join("\n"));

    // Installing again replaces (the CLI passes force).
    expect((await sitrep(["install", bundleFile])).stdout).toContain("Installed example 1.0.0.");

    expect(await sitrep(["disable", "example"])).toMatchObject({ code: 0, stdout: "Disabled example.\n" });
    expect((await sitrep(["list"])).stdout).toContain("example  1.0.0    Example  disabled");
    expect(await sitrep(["enable", "example"])).toMatchObject({ code: 0, stdout: "Enabled example.\n" });
    expect(await sitrep(["uninstall", "example"])).toMatchObject({
      code: 0,
      stdout: "Uninstalled example; its data is kept (use --purge to delete it).\n",
    });
    expect(await sitrep(["uninstall", "example", "--purge"])).toMatchObject({
      code: 0,
      stdout: "Uninstalled example and purged its data.\n",
    });
    expect((await sitrep(["list"])).stdout).toBe("No plugins installed.\n");
  }, 90_000); // two real CLI processes, each compiling the CLI through tsx

  it("prints the server's message and exits 1 on errors", async () => {
    expect(await sitrep(["enable", "ghost"])).toMatchObject({ code: 1, stderr: 'error: 404: Plugin "ghost" is not installed.\n' });
    const missing = await sitrep(["install", path.join(tmp, "nope.tar.gz")]);
    expect(missing).toMatchObject({ code: 1, stderr: `error: cannot read ${path.join(tmp, "nope.tar.gz")}: no such file\n` });
    const user = await server.createUser();
    expect(await sitrep(["list"], user.token!)).toMatchObject({ code: 1, stderr: "error: 403: Only system admins may do that.\n" });
  });

  it("has --help for every subcommand", async () => {
    const program = new Command("sitrep");
    registerPluginCommands(program);
    const plugin = program.commands.find((c) => c.name() === "plugin")!;
    expect(plugin.commands.map((c) => c.name())).toEqual(["list", "install", "enable", "disable", "uninstall"]);
    for (const sub of plugin.commands) {
      const help = sub.helpInformation();
      expect(help, sub.name()).toMatch(new RegExp(`^Usage: sitrep plugin ${sub.name()}`));
      expect(help).toContain("--token <token>");
      expect(help).toContain("-h, --help");
    }
    expect(plugin.commands.find((c) => c.name() === "uninstall")!.helpInformation()).toContain("--purge");
  });
});
