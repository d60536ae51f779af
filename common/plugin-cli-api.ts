/**
 * @module plugin-cli-api
 * The command-line side of a plugin: a bundle's `cli.entry` is an ES module
 * exporting `register(cli)`, which adds `sitrep <command> ...` subcommands, as
 * VS Code extensions contribute commands. The host CLI loads the prepackaged
 * bundles (built when stale) and every bundle it is pointed at, so a
 * third-party plugin adds its own commands the same way.
 */
import type { Command } from "commander";

/** A client of a running server, for online commands (`--url`, `--token`). */
export interface CliServerClient {
  /** A JSON request; rejects with the server's `message` on 4xx/5xx. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

/** What a plugin's `register` receives. */
export interface PluginCli {
  /** The `sitrep` program: add commands with `cli.program.command(...)`. */
  readonly program: Command;
  /**
   * Add the standard `--url`/`--token` options (SITREP_URL, SITREP_TOKEN) to a
   * command and build a client from its parsed options.
   */
  serverOptions(command: Command, props?: { tokenHelp?: string }): (options: { url?: string; token?: string }) => CliServerClient;
  /** Progress of a long-running command, on stderr: `step(3, 10, "file.yaml")`. */
  progress(done: number, total: number, what: string): void;
}

/** The module a plugin's `cli.entry` exports. */
export interface PluginCliModule {
  register(cli: PluginCli): void;
}
