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
  /**
   * A JSON request; rejects with a {@link CliFailure} on 4xx/5xx (its message
   * `<status>: <the server's message>`, its `details` the server's) or when
   * the server cannot be reached. The answer is unchecked JSON: parse it with
   * a schema.
   */
  request(method: string, path: string, body?: unknown): Promise<unknown>;
}

/**
 * A command's expected failure: the CLI prints `error: <message>` on stderr
 * and exits 1 (anything else is a bug, printed with its stack). Recognized by
 * {@link isCliFailure}, by name, not `instanceof`: a plugin bundle carries its
 * own copy of this class.
 * @example throw new CliFailure("nothing was applied: 2 problems")
 */
export class CliFailure extends Error {
  override readonly name = "CliFailure";
  constructor(
    message: string,
    /** Structured detail, e.g. the server's YAML problems of a refused file. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** True for a {@link CliFailure}, whichever copy of the class made it. */
export function isCliFailure(error: unknown): error is CliFailure {
  return error instanceof Error && error.name === "CliFailure";
}

/** Where a command's output goes: stdout and stderr lines. Tests pass their own. */
export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
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
  /**
   * The defaults of `--url` (SITREP_URL, else `http://localhost:8065`) and
   * `--token` (SITREP_TOKEN), for a command that declares those options itself
   * (e.g. an offline command whose `--url` is optional).
   */
  readonly serverDefaults: { readonly url: string; readonly token?: string };
  /** A client of the server at `url`, for options declared by the command itself. */
  client(options: { url: string; token?: string }): CliServerClient;
  /**
   * Progress of a long-running command, on stderr: `progress(3, 10, "file.yaml")`.
   * Shown only when stderr is a terminal (as git does), so output that is
   * piped or captured stays exactly the command's own.
   */
  progress(done: number, total: number, what: string): void;
  /** The console (stdout/stderr), for commands that print. */
  readonly out: CliOutput;
}

/** The module a plugin's `cli.entry` exports. */
export interface PluginCliModule {
  register(cli: PluginCli): void;
}
