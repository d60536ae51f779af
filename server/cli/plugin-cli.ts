/**
 * @module cli/plugin-cli
 * Plugins' commands in `sitrep`: each bundle whose manifest names a
 * `cli.entry` (an ES module exporting `register(cli)`, see
 * common/plugin-cli-api.ts) adds its subcommands, as VS Code extensions
 * contribute commands. The host knows no particular plugin: it loads the
 * prepackaged bundles of dist/plugins/ (rebuilt first when their sources
 * changed, as `npm start` does) and every bundle named by
 * `SITREP_CLI_PLUGINS`, so a third-party plugin adds its commands the same way.
 *
 * A bundle's files are extracted once per checksum under the user's cache
 * folder and its `cli.entry` imported from there.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import type { CliOutput, PluginCli, PluginCliModule } from "#common/plugin-cli-api.ts";
import { bundleExtracted, extractBundle, readBundle } from "../plugins/bundle.ts";
import { ApiClient } from "./client.ts";

const root = path.resolve(import.meta.dirname, "../..");

/** Where `npm run build` writes the first-party bundles. */
export const PREPACKAGED_DIR = path.join(root, "dist", "plugins");

/** The console as a {@link CliOutput}. */
export const consoleOutput: CliOutput = { log: (line) => console.log(line), error: (line) => console.error(line) };

/** The stream progress goes to: stderr, or a test's stand-in. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A one-line status on a terminal's stderr, rewritten in place and cleared
 * before any other output, so it never mixes with the command's own lines.
 */
class StatusLine {
  private shown = false;
  constructor(private readonly stream: ProgressStream) {}

  show(text: string): void {
    if (!this.stream.isTTY) return;
    this.stream.write(`\r\x1b[K${text}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write("\r\x1b[K");
    this.shown = false;
  }
}

/**
 * The {@link PluginCli} a plugin's `register` receives.
 * @example register(createPluginCli({ program: new Command("sitrep") }))
 */
export function createPluginCli(props: {
  program: Command;
  env?: NodeJS.ProcessEnv;
  out?: CliOutput;
  progressStream?: ProgressStream;
}): PluginCli {
  const env = props.env ?? process.env;
  const out = props.out ?? consoleOutput;
  const status = new StatusLine(props.progressStream ?? process.stderr);
  const serverDefaults = { url: env.SITREP_URL ?? "http://localhost:8065", token: env.SITREP_TOKEN };
  const client = (options: { url: string; token?: string }) => new ApiClient({ url: options.url, token: options.token });
  return {
    program: props.program,
    serverDefaults,
    client,
    serverOptions(command, options = {}) {
      command
        .option("--url <url>", "server address (SITREP_URL)", serverDefaults.url)
        .option("--token <token>", options.tokenHelp ?? "access token (SITREP_TOKEN)", serverDefaults.token);
      return (parsed) => client({ url: parsed.url ?? serverDefaults.url, token: parsed.token });
    },
    progress(done, total, what) {
      if (done >= total) status.clear();
      else status.show(`${what} (${done}/${total})`);
    },
    out: {
      log: (line) => {
        status.clear();
        out.log(line);
      },
      error: (line) => {
        status.clear();
        out.error(line);
      },
    },
  };
}

/**
 * Build the prepackaged bundles when their sources are newer than the last
 * build (`node scripts/build.mjs --if-stale --plugins`, what `npm start` runs
 * before serving, without the web app), then list them. A checkout without
 * sources (an installed package) uses dist/plugins/ as it is. The build's
 * output is shown only if it fails, so a command's own output stays exact.
 */
export function prepackagedBundles(out: CliOutput = consoleOutput): string[] {
  const script = path.join(root, "scripts", "build.mjs");
  if (fs.existsSync(script) && fs.existsSync(path.join(root, "plugins"))) {
    const built = spawnSync(process.execPath, [script, "--if-stale", "--plugins"], { cwd: root, encoding: "utf8" });
    if (built.status !== 0) {
      out.error(`warning: building the plugin bundles failed; using what dist/plugins holds\n${built.stdout}${built.stderr}`.trimEnd());
    }
  }
  if (!fs.existsSync(PREPACKAGED_DIR)) return [];
  return fs
    .readdirSync(PREPACKAGED_DIR)
    .filter((name) => name.endsWith(".tar.gz"))
    .sort()
    .map((name) => path.join(PREPACKAGED_DIR, name));
}

/** Bundle paths named by `SITREP_CLI_PLUGINS` (separated like PATH). */
export function extraBundles(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.SITREP_CLI_PLUGINS ?? "")
    .split(path.delimiter)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => path.resolve(entry));
}

/** The per-user folder bundles are extracted to (`$XDG_CACHE_HOME/sitrep/cli-plugins`). */
function cacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const dir = path.join(base, "sitrep", "cli-plugins");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Bundled entries are ES modules in .js files.
  const marker = path.join(dir, "package.json");
  if (!fs.existsSync(marker)) fs.writeFileSync(marker, '{ "type": "module" }\n');
  return dir;
}

/** Import one bundle's `cli.entry` and let it register its commands; false when it has none. */
async function loadBundleCli(props: { bundle: string; program: Command; cli: PluginCli; cache: string }): Promise<boolean> {
  const read = await readBundle(fs.readFileSync(props.bundle));
  const { manifest } = read;
  if (!manifest.cli) return false;
  const dir = path.join(props.cache, `${manifest.id}-${read.checksum.slice(0, 16)}`);
  if (!bundleExtracted(dir)) extractBundle({ files: read.files, dir });
  const imported: Partial<PluginCliModule> = await import(pathToFileURL(path.join(dir, manifest.cli.entry)).href);
  if (typeof imported.register !== "function") throw new Error(`${manifest.cli.entry} does not export register(cli)`);
  props.program.commandsGroup(`Commands of the ${manifest.name} plugin (${manifest.id}):`);
  imported.register(props.cli);
  return true;
}

/**
 * Add the commands of every bundle in `bundles` to the program. A bundle that
 * cannot be read or whose `register` throws is named in a warning on stderr,
 * and the other commands still work.
 * @example await loadPluginClis({ program, bundles: [...prepackagedBundles(), ...extraBundles()] })
 */
export async function loadPluginClis(props: {
  program: Command;
  bundles: readonly string[];
  env?: NodeJS.ProcessEnv;
  out?: CliOutput;
}): Promise<void> {
  const env = props.env ?? process.env;
  const out = props.out ?? consoleOutput;
  if (props.bundles.length === 0) return;
  const cache = cacheDir(env);
  const cli = createPluginCli({ program: props.program, env, out });
  for (const bundle of props.bundles) {
    try {
      await loadBundleCli({ bundle, program: props.program, cli, cache });
    } catch (error) {
      out.error(`warning: ${bundle}: its commands are not available: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  props.program.commandsGroup("Commands:");
}
