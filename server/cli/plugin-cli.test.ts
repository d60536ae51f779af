import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlugin } from "../../scripts/build-plugin.mjs";
import { createPluginCli, loadPluginClis } from "./plugin-cli.ts";

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "../../bin/sitrep.mjs");

let tmp: string;
let greeter: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-plugin-cli-"));
  greeter = await buildPlugin({ dir: path.join(import.meta.dirname, "testdata", "greeter"), outDir: tmp });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Run the real `bin/sitrep.mjs` as a user would, with `SITREP_CLI_PLUGINS` naming the greeter's bundle. */
async function sitrep(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, SITREP_CLI_PLUGINS: greeter, XDG_CACHE_HOME: path.join(tmp, "cache") };
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("plugins' commands in sitrep", () => {
  it("lists the prepackaged plugins' and a third-party bundle's commands in sitrep --help, and runs the third-party one", async () => {
    const [help, greet, failed] = await Promise.all([
      sitrep(["--help"]),
      sitrep(["greet", "ann", "bob", "--shout"]),
      sitrep(["greet", "ann", "nobody"]),
    ]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toMatch(/^Usage: sitrep \[options\] \[command\]\n/);
    expect(help.stdout).toMatch(/\nCommands:\n {2}serve +Run the server/);
    expect(help.stdout).toMatch(/\nCommands of the Incident plugin \(incident\):\n {2}playbook +Incident playbooks as code \(YAML\)\.\n/);
    expect(help.stdout).toMatch(
      /\nCommands of the Workflow plugin \(workflow\):\n {2}workflow +Workflows as code \(YAML\): lint, dry-run, apply\.\n/,
    );
    expect(help.stdout).toMatch(
      /\nCommands of the Greeter plugin \(greeter\):\n {2}greet \[options\] <names\.\.\.> +Greet someone, offline\.\n/,
    );

    expect(greet).toEqual({ code: 0, stdout: "HELLO, ANN\nHELLO, BOB\n", stderr: "" });
    expect(failed).toEqual({ code: 1, stdout: "hello, ann\n", stderr: "error: greet: nobody is there to greet\n" });
  }, 90_000); // real CLI processes, each compiling the CLI through tsx

  it("names a bundle it cannot load in a warning and keeps the others", async () => {
    const program = new Command("sitrep");
    const errors: string[] = [];
    const missing = path.join(tmp, "missing.tar.gz");
    const notABundle = path.join(tmp, "not-a-bundle.tar.gz");
    fs.writeFileSync(notABundle, "plain text");
    await loadPluginClis({
      program,
      bundles: [missing, notABundle, greeter],
      env: { XDG_CACHE_HOME: path.join(tmp, "cache") },
      out: { log: () => {}, error: (line) => errors.push(line) },
    });
    expect(program.commands.map((c) => c.name())).toEqual(["greet"]);
    expect(errors).toEqual([
      `warning: ${missing}: its commands are not available: ENOENT: no such file or directory, open '${missing}'`,
      `warning: ${notABundle}: its commands are not available: plugin: is not a gzip-compressed tar archive (.tar.gz)`,
    ]);
  });

  it("refuses a second command of the same name with a warning", async () => {
    const program = new Command("sitrep");
    program.command("greet");
    const errors: string[] = [];
    await loadPluginClis({
      program,
      bundles: [greeter],
      env: { XDG_CACHE_HOME: path.join(tmp, "cache") },
      out: { log: () => {}, error: (l) => errors.push(l) },
    });
    expect(errors).toEqual([
      `warning: ${greeter}: its commands are not available: cannot add command 'greet' as already have command 'greet'`,
    ]);
  });

  it("shows progress on a terminal's stderr only, cleared before the command's own lines", () => {
    const writes: string[] = [];
    const lines: string[] = [];
    const cli = createPluginCli({
      program: new Command("sitrep"),
      out: { log: (l) => lines.push(`out ${l}`), error: (l) => lines.push(`err ${l}`) },
      progressStream: { isTTY: true, write: (text: string) => writes.push(text) },
    });
    cli.progress(0, 2, "a.yaml");
    cli.out.log("a.yaml: ok");
    cli.progress(1, 2, "b.yaml");
    cli.progress(2, 2, "");
    expect(writes).toEqual(["\r\x1b[Ka.yaml (0/2)", "\r\x1b[K", "\r\x1b[Kb.yaml (1/2)", "\r\x1b[K"]);
    expect(lines).toEqual(["out a.yaml: ok"]);

    const piped: string[] = [];
    const quiet = createPluginCli({
      program: new Command("sitrep"),
      progressStream: { isTTY: false, write: (t: string) => piped.push(t) },
    });
    quiet.progress(0, 2, "a.yaml");
    quiet.progress(2, 2, "");
    expect(piped).toEqual([]);
  });

  it("gives serverOptions --url and --token with the environment's defaults", () => {
    const program = new Command("sitrep");
    const cli = createPluginCli({ program, env: { SITREP_URL: "http://sitrep.example:8065", SITREP_TOKEN: "t0ken" } });
    const command = program.command("ping");
    cli.serverOptions(command, { tokenHelp: "a team member's token (SITREP_TOKEN)" });
    const help = command.helpInformation();
    expect(help).toMatch(/--url <url>\s+server address \(SITREP_URL\) \(default:\s+"http:\/\/sitrep\.example:8065"\)/);
    expect(help).toMatch(/--token <token>\s+a team member's token \(SITREP_TOKEN\)/);
    expect(cli.serverDefaults).toEqual({ url: "http://sitrep.example:8065", token: "t0ken" });
  });
});
