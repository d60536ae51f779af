/**
 * @module incident/cli/playbook-commands
 * `sitrep playbook lint <files...>` (offline: the same parser as the server)
 * and `sitrep playbook apply <files...> --team <name>` (over the HTTP API of a
 * running server, all files or none), and `sitrep playbook import <export.json>`
 * (a Mattermost Playbooks export as a playbook YAML; playbook-import.ts).
 */
import fs from "node:fs";
import { z } from "zod";
import { CliFailure, isCliFailure, type CliOutput, type CliServerClient, type PluginCli } from "#common/plugin-cli-api.ts";
import { formatProblems, sourceProblemSchema } from "#common/yaml-source.ts";
import { parsePlaybook } from "../common/playbook.ts";
import { registerPlaybookImport } from "./playbook-import.ts";

/** Progress of a long command (see `PluginCli.progress`). */
type Progress = PluginCli["progress"];
const noProgress: Progress = () => {};

const teamSchema = z.object({ id: z.string(), name: z.string() });
const appliedSchema = z.object({ items: z.array(z.object({ name: z.string(), version: z.number(), outcome: z.string() })) });

/** Why a file could not be read: the error code (ENOENT) or message. */
function readFailure(error: unknown): string {
  if (error instanceof Error) return "code" in error && typeof error.code === "string" ? error.code : error.message;
  return String(error);
}

/**
 * Lint files: one `file:line:column: reason` line per problem, `file: ok` for
 * a valid one. Returns false when any file has a problem.
 * @example lintPlaybookFiles(["playbooks/service-outage.yaml"], out) // true, printing "playbooks/service-outage.yaml: ok"
 */
export function lintPlaybookFiles(files: readonly string[], out: CliOutput, progress: Progress = noProgress): boolean {
  let ok = true;
  for (const [i, file] of files.entries()) {
    progress(i, files.length, file);
    let source: string;
    try {
      source = fs.readFileSync(file, "utf8");
    } catch (error) {
      out.error(`${file}:0:0: cannot read the file: ${readFailure(error)}`);
      ok = false;
      continue;
    }
    const parsed = parsePlaybook(source);
    if (parsed.ok) out.log(`${file}: ok (playbook "${parsed.spec.name}")`);
    else {
      ok = false;
      for (const line of formatProblems(file, parsed.problems)) out.error(line);
    }
  }
  progress(files.length, files.length, "");
  return ok;
}

/**
 * Apply files to a team of a running server, all or nothing. Throws a
 * {@link CliFailure} on failure, after printing each problem.
 * @example await applyPlaybookFiles({ files: ["playbooks/service-outage.yaml"], team: "ops", client }, out)
 */
export async function applyPlaybookFiles(
  props: { files: readonly string[]; team: string; client: CliServerClient; progress?: Progress },
  out: CliOutput,
): Promise<void> {
  const progress = props.progress ?? noProgress;
  const files = props.files.map((path, i) => {
    progress(i, props.files.length, path);
    try {
      return { path, source: fs.readFileSync(path, "utf8") };
    } catch (error) {
      throw new CliFailure(`${path}: cannot read the file: ${readFailure(error)}`);
    }
  });
  progress(files.length, files.length, "");
  const team = teamSchema.parse(await props.client.request("GET", `/api/v4/teams/name/${encodeURIComponent(props.team)}`));
  out.log(`applying ${files.length} playbook file${files.length === 1 ? "" : "s"} to team ${team.name}...`);
  let applied: z.infer<typeof appliedSchema>;
  try {
    applied = appliedSchema.parse(
      await props.client.request("POST", "/plugins/incident/api/v1/playbooks/apply", { team_id: team.id, files }),
    );
  } catch (error) {
    const problems = isCliFailure(error) ? z.array(sourceProblemSchema).safeParse(error.details) : null;
    if (!problems?.success) throw error;
    for (const problem of problems.data) for (const line of formatProblems(problem.file ?? "<source>", [problem])) out.error(line);
    throw new CliFailure(`nothing was applied: ${problems.data.length} problem${problems.data.length === 1 ? "" : "s"}`);
  }
  applied.items.forEach((playbook, i) => out.log(`${files[i]?.path ?? "?"}: ${playbook.outcome} "${playbook.name}" v${playbook.version}`));
}

/**
 * Add `playbook lint` and `playbook apply` to the program.
 * @example registerPlaybookCommands(cli) // then: sitrep playbook lint playbooks/*.yaml
 */
export function registerPlaybookCommands(cli: PluginCli): void {
  const playbook = cli.program.command("playbook").description("Incident playbooks as code (YAML).");
  playbook
    .command("lint")
    .description("Check playbook files offline; prints file:line:column: reason for each problem and exits 1 if there is one.")
    .argument("<files...>", "playbook YAML files")
    .action((files: string[]) => {
      if (!lintPlaybookFiles(files, cli.out, cli.progress)) process.exitCode = 1;
    });
  const apply = playbook
    .command("apply")
    .description("Create or replace playbooks in a team of a running server; all files or none.")
    .argument("<files...>", "playbook YAML files")
    .requiredOption("--team <name>", "the team's name");
  const client = cli.serverOptions(apply, { tokenHelp: "an access token of a team member (SITREP_TOKEN)" });
  apply.action(async (files: string[], opts: { team: string; url?: string; token?: string }) => {
    await applyPlaybookFiles({ files, team: opts.team, client: client(opts), progress: cli.progress }, cli.out);
  });
  registerPlaybookImport(cli, playbook);
}
