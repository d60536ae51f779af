/**
 * @module greeter/cli
 * A third-party plugin's commands, as the CLI's tests load them from a bundle
 * named by SITREP_CLI_PLUGINS: `sitrep greet <name>`, with progress and a
 * failure.
 */
import { CliFailure, type PluginCli } from "#common/plugin-cli-api.ts";

/** Add `greet` to `sitrep`. */
export function register(cli: PluginCli): void {
  cli.program
    .command("greet")
    .description("Greet someone, offline.")
    .argument("<names...>", "who to greet")
    .option("--shout", "in capitals")
    .action((names: string[], opts: { shout?: boolean }) => {
      for (const [i, name] of names.entries()) {
        cli.progress(i, names.length, name);
        if (name === "nobody") throw new CliFailure("greet: nobody is there to greet");
        const line = `hello, ${name}`;
        cli.out.log(opts.shout ? line.toUpperCase() : line);
      }
      cli.progress(names.length, names.length, "");
    });
}
