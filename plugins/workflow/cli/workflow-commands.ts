/**
 * @module workflow/cli/workflow-commands
 * `sitrep workflow lint <files...>` and `sitrep workflow test <file> --payload`
 * work offline (the same parser as the server, with the first-party catalog
 * built in, or a server's live catalog with `--url`);
 * `sitrep workflow apply <files...> --team <name>` uses the HTTP API of a
 * running server.
 */
import fs from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { CliFailure, isCliFailure, type CliOutput, type CliServerClient, type PluginCli } from "#common/plugin-cli-api.ts";
import { formatProblems, sourceProblemSchema } from "#common/yaml-source.ts";
import { dryRun, type DryRunResult } from "../common/dry-run.ts";
import { STATIC_CATALOG } from "../common/static-catalog.ts";
import { parseWorkflow, type LintCatalog } from "../common/workflow.ts";

const API = "/plugins/workflow/api/v1";

/** Progress of a long command (see `PluginCli.progress`). */
type Progress = PluginCli["progress"];
const noProgress: Progress = () => {};

const teamSchema = z.object({ id: z.string(), name: z.string() });
const appliedSchema = z.object({ name: z.string(), version: z.number(), enabled: z.boolean(), webhook_url: z.string().optional() });
const named = (value: unknown) => typeof value === "object" && value !== null && "name" in value && typeof value.name === "string";
/** A server's catalog: the linter reads each entry's name, parameters and values. */
const lintCatalogSchema = z.object({
  triggers: z.array(z.custom<LintCatalog["triggers"][number]>(named)),
  actions: z.array(z.custom<LintCatalog["actions"][number]>(named)),
});

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason =
      error instanceof Error ? ("code" in error && typeof error.code === "string" ? error.code : error.message) : String(error);
    throw new CliFailure(`${file}: cannot read the file: ${reason}`);
  }
}

/** The catalog to lint against: a server's (with `client`), or the built-in one. */
async function catalogFor(client: CliServerClient | undefined): Promise<LintCatalog> {
  if (!client) return STATIC_CATALOG;
  return lintCatalogSchema.parse(await client.request("GET", `${API}/catalog`));
}

/**
 * Lint files: `file:line:column: path: reason` per problem, `file: ok` for a
 * valid one. Returns false when any file has a problem.
 * @example await lintWorkflowFiles({ files: ["workflows/page-oncall.yaml"] }, out) // true
 */
export async function lintWorkflowFiles(
  props: { files: readonly string[]; client?: CliServerClient; progress?: Progress },
  out: CliOutput,
): Promise<boolean> {
  const progress = props.progress ?? noProgress;
  const catalog = await catalogFor(props.client);
  let ok = true;
  for (const [i, file] of props.files.entries()) {
    progress(i, props.files.length, file);
    let source: string;
    try {
      source = readFile(file);
    } catch (error) {
      out.error(error instanceof Error ? error.message : String(error));
      ok = false;
      continue;
    }
    const parsed = parseWorkflow(source, catalog);
    if (parsed.ok) out.log(`${file}: ok (workflow "${parsed.spec.name}")`);
    else {
      ok = false;
      for (const line of formatProblems(file, parsed.problems)) out.error(line);
    }
  }
  progress(props.files.length, props.files.length, "");
  return ok;
}

/** Apply files to a team of a running server, one by one; throws a {@link CliFailure} when any is refused, after printing its problems. */
export async function applyWorkflowFiles(
  props: { files: readonly string[]; team: string; client: CliServerClient; progress?: Progress },
  out: CliOutput,
): Promise<void> {
  const progress = props.progress ?? noProgress;
  const sources = props.files.map((path) => ({ path, source: readFile(path) }));
  const team = teamSchema.parse(await props.client.request("GET", `/api/v4/teams/name/${encodeURIComponent(props.team)}`));
  let failed = 0;
  for (const [i, file] of sources.entries()) {
    progress(i, sources.length, file.path);
    try {
      const applied = appliedSchema.parse(
        await props.client.request("POST", `${API}/workflows`, { team_id: team.id, source: file.source }),
      );
      out.log(
        `[${i + 1}/${sources.length}] ${file.path}: applied "${applied.name}" v${applied.version} to team ${team.name}${applied.enabled ? "" : " (disabled)"}${applied.webhook_url ? `; webhook URL: ${applied.webhook_url}` : ""}`,
      );
    } catch (error) {
      failed++;
      const problems = isCliFailure(error) ? z.array(sourceProblemSchema).safeParse(error.details) : null;
      if (problems?.success) for (const line of formatProblems(file.path, problems.data)) out.error(line);
      else out.error(`${file.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  progress(sources.length, sources.length, "");
  if (failed) throw new CliFailure(`${failed} of ${sources.length} workflow file${sources.length === 1 ? "" : "s"} not applied`);
}

/** A payload given inline (`{"message": "SEV1"}`) or as a JSON file. */
function readPayload(payload: string): Record<string, unknown> {
  const text = payload.trim().startsWith("{") ? payload : readFile(payload);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliFailure(`--payload: is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const object = z.record(z.string(), z.unknown()).safeParse(value);
  if (!object.success) throw new CliFailure("--payload: must be a JSON object of trigger values");
  return object.data;
}

/**
 * Dry-run a workflow against a sample trigger payload: no request changes
 * anything (with a `client` only the catalog is read). Prints whether the
 * conditions hold and each step with its rendered input.
 * @example await testWorkflowFile({ file: "workflows/sev1-starts-incident.yaml", payload: '{"channel_name":"alerts","message":"SEV1 db"}' }, out)
 */
export async function testWorkflowFile(
  props: { file: string; payload: string; client?: CliServerClient },
  out: CliOutput,
): Promise<DryRunResult> {
  const catalog = await catalogFor(props.client);
  const parsed = parseWorkflow(readFile(props.file), catalog);
  if (!parsed.ok) {
    for (const line of formatProblems(props.file, parsed.problems)) out.error(line);
    throw new CliFailure(`${props.file}: invalid workflow; nothing to test`);
  }
  const result = dryRun({ spec: parsed.spec, payload: readPayload(props.payload), catalog });
  out.log(`workflow "${parsed.spec.name}" (run as @${parsed.spec.run_as}), trigger ${result.trigger}`);
  if (result.matched) out.log("conditions: hold — the workflow would run");
  else {
    out.log("conditions: do not hold — the workflow would not run:");
    for (const reason of result.unmet) out.log(`  - ${reason}`);
  }
  for (const step of result.steps) {
    out.log(`step ${step.index + 1}: ${step.action}${step.step_id ? ` (id ${step.step_id})` : ""}`);
    for (const [key, value] of Object.entries(step.input)) out.log(`  ${key}: ${JSON.stringify(value)}`);
    for (const problem of step.problems) out.log(`  ! would fail: ${problem}`);
  }
  out.log("dry run: nothing was changed");
  return result;
}

/**
 * Add `workflow lint`, `workflow apply` and `workflow test` to the program.
 * @example registerWorkflowCommands(cli) // then: sitrep workflow lint workflows/*.yaml
 */
export function registerWorkflowCommands(cli: PluginCli): void {
  const workflow = cli.program.command("workflow").description("Workflows as code (YAML): lint, dry-run, apply.");
  const { serverDefaults } = cli;
  const serverOptions = (cmd: Command, required: boolean) => {
    cmd.option("--token <token>", "access token (SITREP_TOKEN)", serverDefaults.token);
    return required
      ? cmd.option("--url <url>", "server address (SITREP_URL)", serverDefaults.url)
      : cmd.option("--url <url>", "read the catalog from this server instead of the built-in copy");
  };
  /** A client for `--url`, when given: offline commands read only the catalog from it. */
  const clientOf = (opts: { url?: string; token?: string }) => (opts.url ? cli.client({ url: opts.url, token: opts.token }) : undefined);
  serverOptions(
    workflow
      .command("lint")
      .description("Check workflow files offline; prints file:line:column: path: reason for each problem and exits 1 if there is one.")
      .argument("<files...>", "workflow YAML files"),
    false,
  ).action(async (files: string[], opts: { url?: string; token?: string }) => {
    if (!(await lintWorkflowFiles({ files, client: clientOf(opts), progress: cli.progress }, cli.out))) process.exitCode = 1;
  });
  serverOptions(
    workflow
      .command("apply")
      .description("Create or replace workflows (by name) in a team of a running server; needs a system admin's token.")
      .argument("<files...>", "workflow YAML files")
      .requiredOption("--team <name>", "team name"),
    true,
  ).action(async (files: string[], opts: { url: string; token?: string; team: string }) => {
    await applyWorkflowFiles({ files, team: opts.team, client: cli.client(opts), progress: cli.progress }, cli.out);
  });
  serverOptions(
    workflow
      .command("test")
      .description(
        "Dry-run a workflow against a sample trigger payload, offline: shows whether its conditions hold and each step's rendered input. Changes nothing.",
      )
      .argument("<file>", "workflow YAML file")
      .requiredOption("--payload <json>", "trigger values: inline JSON or a JSON file"),
    false,
  ).action(async (file: string, opts: { payload: string; url?: string; token?: string }) => {
    await testWorkflowFile({ file, payload: opts.payload, client: clientOf(opts) }, cli.out);
  });
}
