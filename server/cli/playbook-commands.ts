/**
 * @module cli/playbook-commands
 * `sitrep playbook lint <files...>` (offline: the same parser as the server)
 * and `sitrep playbook apply <files...> --team <name>` (over the HTTP API of a
 * running server, all files or none).
 */
import fs from "node:fs";
import type { Command } from "commander";
import { formatProblems } from "#common/yaml-source.ts";
import { parsePlaybook } from "../../plugins/incident/common/playbook.ts";
import type { Playbook, PlaybookProblem } from "../../plugins/incident/common/types.ts";
import { ApiClient, CliError } from "./client.ts";

/** Where a command's output goes; tests pass their own. */
export interface PlaybookCliOutput {
  log(line: string): void;
  error(line: string): void;
}

const consoleOutput: PlaybookCliOutput = { log: (l) => console.log(l), error: (l) => console.error(l) };

/**
 * Lint files: one `file:line:column: reason` line per problem, `file: ok` for
 * a valid one. Returns false when any file has a problem.
 * @example lintPlaybookFiles(["playbooks/service-outage.yaml"], out) // true, printing "playbooks/service-outage.yaml: ok"
 */
export function lintPlaybookFiles(files: readonly string[], out: PlaybookCliOutput = consoleOutput): boolean {
  let ok = true;
  for (const file of files) {
    let source: string;
    try {
      source = fs.readFileSync(file, "utf8");
    } catch (error) {
      out.error(`${file}:0:0: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
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
  return ok;
}

/** Apply files to a team of a running server, all or nothing. Throws CliError on failure, after printing each problem. */
export async function applyPlaybookFiles(
  props: { files: readonly string[]; team: string; url: string; token?: string },
  out: PlaybookCliOutput = consoleOutput,
): Promise<void> {
  const files = props.files.map((path) => {
    try {
      return { path, source: fs.readFileSync(path, "utf8") };
    } catch (error) {
      throw new CliError(`${path}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  });
  const client = new ApiClient({ url: props.url, token: props.token });
  const team = await client.request<{ id: string; name: string }>("GET", `/api/v4/teams/name/${encodeURIComponent(props.team)}`);
  out.log(`applying ${files.length} playbook file${files.length === 1 ? "" : "s"} to team ${team.name}...`);
  try {
    const result = await client.request<{ items: Array<Playbook & { outcome: string }> }>(
      "POST",
      "/plugins/incident/api/v1/playbooks/apply",
      { team_id: team.id, files },
    );
    result.items.forEach((playbook, i) => out.log(`${files[i].path}: ${playbook.outcome} "${playbook.name}" v${playbook.version}`));
  } catch (error) {
    const details = (error as CliError & { details?: unknown }).details;
    if (Array.isArray(details)) {
      for (const problem of details as PlaybookProblem[]) out.error(formatProblems(problem.file ?? "<source>", [problem])[0]);
      throw new CliError(`nothing was applied: ${details.length} problem${details.length === 1 ? "" : "s"}`);
    }
    throw error;
  }
}

/**
 * Add `playbook lint` and `playbook apply` to the program.
 * @example registerPlaybookCommands(program) // then: sitrep playbook lint playbooks/*.yaml
 */
export function registerPlaybookCommands(program: Command): void {
  const playbook = program.command("playbook").description("Incident playbooks as code (YAML).");
  playbook
    .command("lint")
    .description("Check playbook files offline; prints file:line:column: reason for each problem and exits 1 if there is one.")
    .argument("<files...>", "playbook YAML files")
    .action((files: string[]) => {
      if (!lintPlaybookFiles(files)) process.exitCode = 1;
    });
  playbook
    .command("apply")
    .description("Create or replace playbooks in a team of a running server; all files or none.")
    .argument("<files...>", "playbook YAML files")
    .requiredOption("--team <name>", "the team's name")
    .option("--url <url>", "server address (SITREP_URL)", process.env.SITREP_URL ?? "http://localhost:8065")
    .option("--token <token>", "an access token of a team member (SITREP_TOKEN)", process.env.SITREP_TOKEN)
    .action(async (files: string[], opts: { team: string; url: string; token?: string }) => {
      await applyPlaybookFiles({ files, team: opts.team, url: opts.url, token: opts.token });
    });
}
