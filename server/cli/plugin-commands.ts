/**
 * @module cli/plugin-commands
 * `sitrep plugin list|install|enable|disable|uninstall`: plugin admin over the
 * HTTP API of a running server (a system admin's token), like mmctl's.
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import type { PluginManifest } from "#plugin-api";
import type { PluginStatus } from "../plugins/manager.ts";
import { ApiClient, CliError } from "./client.ts";

interface ClientOptions {
  url: string;
  token?: string;
}

/** Where a command's output goes; tests pass their own. */
export interface CliOutput {
  log(line: string): void;
}

function withClientOptions(cmd: Command): Command {
  return cmd
    .option("--url <url>", "server address (SITREP_URL)", process.env.SITREP_URL ?? "http://localhost:8065")
    .option("--token <token>", "a system admin's access token (SITREP_TOKEN)", process.env.SITREP_TOKEN);
}

const client = (opts: ClientOptions) => new ApiClient({ url: opts.url, token: opts.token });

/** Lines of a table, columns padded to the widest cell. */
function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  "));
}

/**
 * Add `plugin ...` to the program.
 * @example registerPluginCommands(program) // then: sitrep plugin list --url http://localhost:8065 --token ...
 */
export function registerPluginCommands(program: Command, out: CliOutput = console): void {
  const plugin = program.command("plugin").description("Manage plugins of a running server (system admins).");

  withClientOptions(plugin.command("list").description("List installed plugins and whether each is active.")).action(
    async (opts: ClientOptions) => {
      const { active, inactive } = await client(opts).request<{ active: PluginStatus[]; inactive: PluginStatus[] }>(
        "GET",
        "/api/v4/plugins",
      );
      const all = [...active, ...inactive].sort((a, b) => a.id.localeCompare(b.id));
      if (all.length === 0) {
        out.log("No plugins installed.");
        return;
      }
      const state = (p: PluginStatus) =>
        p.active ? "active" : p.enabled ? `enabled, not running${p.error ? `: ${p.error}` : ""}` : "disabled";
      for (const line of table([["ID", "VERSION", "NAME", "STATE"], ...all.map((p) => [p.id, p.version, p.name, state(p)])])) out.log(line);
    },
  );

  withClientOptions(
    plugin
      .command("install <bundle>")
      .description("Upload a plugin bundle (.tar.gz), replacing an installed version of the same id.")
      .option("--enable", "enable the plugin after installing it"),
  ).action(async (bundlePath: string, opts: ClientOptions & { enable?: boolean }) => {
    const file = path.resolve(bundlePath);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (error) {
      throw new CliError(
        `cannot read ${bundlePath}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
      );
    }
    out.log(`Uploading ${path.basename(file)} (${Math.max(1, Math.round(bytes.length / 1024))} KB) to ${opts.url}...`);
    const form = new FormData();
    form.append("plugin", new Blob([new Uint8Array(bytes)], { type: "application/gzip" }), path.basename(file));
    const manifest = await client(opts).request<PluginManifest>("POST", "/api/v4/plugins?force=true", undefined, { form });
    out.log(`Installed ${manifest.id} ${manifest.version}.`);
    if (opts.enable) {
      await client(opts).request("POST", `/api/v4/plugins/${encodeURIComponent(manifest.id)}/enable`);
      out.log(`Enabled ${manifest.id}.`);
    }
  });

  withClientOptions(plugin.command("enable <id>").description("Enable a plugin; it starts at once on every server process.")).action(
    async (id: string, opts: ClientOptions) => {
      await client(opts).request("POST", `/api/v4/plugins/${encodeURIComponent(id)}/enable`);
      out.log(`Enabled ${id}.`);
    },
  );

  withClientOptions(plugin.command("disable <id>").description("Disable a plugin; its data stays.")).action(
    async (id: string, opts: ClientOptions) => {
      await client(opts).request("POST", `/api/v4/plugins/${encodeURIComponent(id)}/disable`);
      out.log(`Disabled ${id}.`);
    },
  );

  withClientOptions(
    plugin
      .command("uninstall <id>")
      .description("Remove a plugin. Its data (tables, key-value store) stays unless --purge is given.")
      .option("--purge", "also delete the plugin's tables and key-value data (cannot be undone)"),
  ).action(async (id: string, opts: ClientOptions & { purge?: boolean }) => {
    await client(opts).request("DELETE", `/api/v4/plugins/${encodeURIComponent(id)}${opts.purge ? "?purge=true" : ""}`);
    out.log(opts.purge ? `Uninstalled ${id} and purged its data.` : `Uninstalled ${id}; its data is kept (use --purge to delete it).`);
  });
}
