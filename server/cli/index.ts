/**
 * @module cli
 * The `sitrep` command line. `serve` runs the server; the other commands are
 * clients of a running server over HTTP, like Mattermost's mmctl. The host's
 * own commands are `serve`, `user` and `plugin`; every other command comes
 * from a plugin's bundle (server/cli/plugin-cli.ts), e.g. the Incident
 * plugin's `playbook` and the Workflow plugin's `workflow`.
 */
import { Command } from "commander";
import { isCliFailure } from "#common/plugin-cli-api.ts";
import { isSystemAdmin, systemAdminRole, systemUserRole } from "#common/wire.ts";
import { ApiClient, CliError } from "./client.ts";
import { registerPluginCommands } from "./plugin-commands.ts";
import { extraBundles, loadPluginClis, prepackagedBundles } from "./plugin-cli.ts";

/**
 * The program with the host's own commands; {@link buildFullCli} adds the plugins'.
 * @example buildCli().parseAsync(["node", "sitrep", "user", "create", ...])
 */
export function buildCli(): Command {
  const program = new Command("sitrep").description("Sitrep: a self-hosted incident response workspace.").showHelpAfterError();

  program
    .command("serve")
    .description("Run the server (PORT, SITREP_DATA_DIR, DATABASE_URL, ... configure it).")
    .action(async () => {
      // Imported here, so the client commands start without loading the whole server.
      const { loadConfig } = await import("../config.ts");
      const { startServer } = await import("../server.ts");
      const config = loadConfig();
      const { createLogger } = await import("../log.ts");
      const { extractedPluginsDir, processFaultHandlers } = await import("../plugins/faults.ts");
      // A plugin's stray exception or rejection is logged against it, never fatal to the workspace.
      processFaultHandlers({ log: createLogger(config.logLevel), pluginsDir: extractedPluginsDir(config.dataDir) });
      const server = await startServer(config);
      console.log(`Sitrep is listening on ${config.siteUrl} (port ${server.port}, database ${server.host.dialect})`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });

  const clientOptions = (cmd: Command) =>
    cmd
      .option("--url <url>", "server address (SITREP_URL)", process.env.SITREP_URL ?? "http://localhost:8065")
      .option("--token <token>", "access token (SITREP_TOKEN)", process.env.SITREP_TOKEN);

  const user = program.command("user").description("Manage users.");
  clientOptions(
    user
      .command("create")
      .description("Create a user. The first user of a workspace needs no token and becomes a system admin.")
      .requiredOption("--username <name>", "username")
      .requiredOption("--email <email>", "email address")
      .requiredOption("--password <password>", "password (8 characters or more)")
      .option("--admin", "make the user a system admin (needs an admin token)"),
  ).action(async (opts: { url: string; token?: string; username: string; email: string; password: string; admin?: boolean }) => {
    const client = new ApiClient({ url: opts.url, token: opts.token });
    if (opts.admin && opts.token) {
      // Check before creating, so a refused --admin never leaves a plain user behind.
      const me = await client.request<{ roles: string }>("GET", "/api/v4/users/me");
      if (!isSystemAdmin(me)) throw new CliError("--admin: the --token must belong to a system admin");
    }
    const created = await client.request<{ id: string; username: string; roles: string }>("POST", "/api/v4/users", {
      username: opts.username,
      email: opts.email,
      password: opts.password,
    });
    if (opts.admin && !isSystemAdmin(created)) {
      if (!opts.token)
        throw new CliError(
          `created ${created.username} as a plain user: --admin needs a system admin's --token once the workspace has users`,
        );
      await client.request("PUT", `/api/v4/users/${created.id}/roles`, { roles: `${systemAdminRole} ${systemUserRole}` });
    }
    console.log(`created user ${created.username} (${created.id})${opts.admin || isSystemAdmin(created) ? " as system admin" : ""}`);
  });

  registerPluginCommands(program);

  return program;
}

/**
 * The whole program: the host's commands, then those of the prepackaged
 * bundles (built first when stale) and of each bundle in `SITREP_CLI_PLUGINS`.
 * @example (await buildFullCli()).helpInformation() // lists playbook and workflow
 */
export async function buildFullCli(env: NodeJS.ProcessEnv = process.env): Promise<Command> {
  const program = buildCli();
  await loadPluginClis({ program, bundles: [...prepackagedBundles(), ...extraBundles(env)], env });
  return program;
}

/** The command `argv` names (its first word that is not an option), if any. */
function commandWord(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => !arg.startsWith("-"));
}

/**
 * Run the command line. A host command (`serve`, `user`, `plugin`) runs
 * without loading any plugin; anything else (a plugin's command, `--help`)
 * loads the plugins' commands first.
 */
export async function runCli(argv: string[]): Promise<void> {
  try {
    const host = buildCli();
    const word = commandWord(argv);
    const isHostCommand = word !== undefined && host.commands.some((c) => c.name() === word);
    await (isHostCommand ? host : await buildFullCli()).parseAsync(argv);
  } catch (error) {
    if (isCliFailure(error)) {
      console.error(`error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("cli/index.ts")) await runCli(process.argv);
