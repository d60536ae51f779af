/**
 * @module cli/workflow-commands
 * `sitrep workflow lint <files...>` and `sitrep workflow test <file> --payload`
 * work offline (the same parser as the server, with a static copy of the
 * first-party catalog, or a server's live catalog with `--url`);
 * `sitrep workflow apply <files...> --team <name>` uses the HTTP API of a
 * running server.
 */
import fs from "node:fs";
import type { Command } from "commander";
import { dryRun, type DryRunResult } from "../../plugins/workflow/common/dry-run.ts";
import { STATIC_CATALOG } from "../../plugins/workflow/common/static-catalog.ts";
import { formatProblems } from "#common/yaml-source.ts";
import { parseWorkflow, type LintCatalog, type WorkflowIssue } from "../../plugins/workflow/common/workflow.ts";
import { ApiClient, CliError } from "./client.ts";

/** Where a command's output goes; tests pass their own. */
export interface WorkflowCliOutput {
  log(line: string): void;
  error(line: string): void;
}

const consoleOutput: WorkflowCliOutput = { log: (l) => console.log(l), error: (l) => console.error(l) };
const API = "/plugins/workflow/api/v1";

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`${file}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The catalog to lint against: a server's (with `url`), or the static copy. */
async function catalogFor(props: { url?: string; token?: string }): Promise<LintCatalog> {
  if (!props.url) return STATIC_CATALOG;
  return new ApiClient({ url: props.url, token: props.token }).request<LintCatalog>("GET", `${API}/catalog`);
}

/**
 * Lint files: `file:line:column: path: reason` per problem, `file: ok` for a
 * valid one. Returns false when any file has a problem.
 * @example await lintWorkflowFiles({ files: ["workflows/page-oncall.yaml"] }) // true
 */
export async function lintWorkflowFiles(
  props: { files: readonly string[]; url?: string; token?: string },
  out: WorkflowCliOutput = consoleOutput,
): Promise<boolean> {
  const catalog = await catalogFor(props);
  let ok = true;
  for (const file of props.files) {
    let source: string;
    try {
      source = readFile(file);
    } catch (error) {
      out.error((error as Error).message);
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
  return ok;
}

/** Apply files to a team of a running server, one by one; throws CliError when any is refused, after printing its problems. */
export async function applyWorkflowFiles(
  props: { files: readonly string[]; team: string; url: string; token?: string },
  out: WorkflowCliOutput = consoleOutput,
): Promise<void> {
  const sources = props.files.map((path) => ({ path, source: readFile(path) }));
  const client = new ApiClient({ url: props.url, token: props.token });
  const team = await client.request<{ id: string; name: string }>("GET", `/api/v4/teams/name/${encodeURIComponent(props.team)}`);
  let failed = 0;
  for (const [i, file] of sources.entries()) {
    try {
      const applied = await client.request<{ name: string; version: number; enabled: boolean; webhook_url?: string }>(
        "POST",
        `${API}/workflows`,
        { team_id: team.id, source: file.source },
      );
      out.log(
        `[${i + 1}/${sources.length}] ${file.path}: applied "${applied.name}" v${applied.version} to team ${team.name}${applied.enabled ? "" : " (disabled)"}${applied.webhook_url ? `; webhook URL: ${applied.webhook_url}` : ""}`,
      );
    } catch (error) {
      failed++;
      const details = (error as CliError & { details?: unknown }).details;
      if (Array.isArray(details)) for (const line of formatProblems(file.path, details as WorkflowIssue[])) out.error(line);
      else out.error(`${file.path}: ${(error as Error).message}`);
    }
  }
  if (failed) throw new CliError(`${failed} of ${sources.length} workflow file${sources.length === 1 ? "" : "s"} not applied`);
}

/** A payload given inline (`{"message": "SEV1"}`) or as a JSON file. */
function readPayload(payload: string): Record<string, unknown> {
  const text = payload.trim().startsWith("{") ? payload : readFile(payload);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--payload: is not valid JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new CliError("--payload: must be a JSON object of trigger values");
  return value as Record<string, unknown>;
}

/**
 * Dry-run a workflow against a sample trigger payload: no request changes
 * anything (with `--url` only the catalog is read). Prints whether the
 * conditions hold and each step with its rendered input.
 * @example await testWorkflowFile({ file: "workflows/sev1-starts-incident.yaml", payload: '{"channel_name":"alerts","message":"SEV1 db"}' })
 */
export async function testWorkflowFile(
  props: { file: string; payload: string; url?: string; token?: string },
  out: WorkflowCliOutput = consoleOutput,
): Promise<DryRunResult> {
  const catalog = await catalogFor(props);
  const parsed = parseWorkflow(readFile(props.file), catalog);
  if (!parsed.ok) {
    for (const line of formatProblems(props.file, parsed.problems)) out.error(line);
    throw new CliError(`${props.file}: invalid workflow; nothing to test`);
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
 * @example registerWorkflowCommands(program) // then: sitrep workflow lint workflows/*.yaml
 */
export function registerWorkflowCommands(program: Command): void {
  const workflow = program.command("workflow").description("Workflows as code (YAML): lint, dry-run, apply.");
  const serverOptions = (cmd: Command, required: boolean) => {
    cmd.option("--token <token>", "access token (SITREP_TOKEN)", process.env.SITREP_TOKEN);
    return required
      ? cmd.option("--url <url>", "server address (SITREP_URL)", process.env.SITREP_URL ?? "http://localhost:8065")
      : cmd.option("--url <url>", "read the catalog from this server instead of the built-in copy");
  };
  serverOptions(
    workflow
      .command("lint")
      .description("Check workflow files offline; prints file:line:column: path: reason for each problem and exits 1 if there is one.")
      .argument("<files...>", "workflow YAML files"),
    false,
  ).action(async (files: string[], opts: { url?: string; token?: string }) => {
    if (!(await lintWorkflowFiles({ files, url: opts.url, token: opts.token }))) process.exitCode = 1;
  });
  serverOptions(
    workflow
      .command("apply")
      .description("Create or replace workflows (by name) in a team of a running server; needs a system admin's token.")
      .argument("<files...>", "workflow YAML files")
      .requiredOption("--team <name>", "team name"),
    true,
  ).action(async (files: string[], opts: { url: string; token?: string; team: string }) => {
    await applyWorkflowFiles({ files, team: opts.team, url: opts.url, token: opts.token });
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
    await testWorkflowFile({ file, payload: opts.payload, url: opts.url, token: opts.token });
  });
}
