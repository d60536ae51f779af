/**
 * @module workflow/server/workflow-directory
 * Workflows shipped as files: every `*.yaml`/`*.yml` in the manifest's
 * `workflows` directory (`ctx.directories.workflows`: SITREP_WORKFLOWS_DIR,
 * default `./workflows`) is applied at each activation to the team its
 * `team` key names, and a file naming a team that does not exist yet is
 * applied when that team is created. A file that has not changed since it was
 * applied is left alone, so an admin's enable/disable toggle survives
 * restarts; a changed file replaces the workflow (and its `enabled` wins). A
 * file that cannot be applied (invalid, unknown user) is skipped with a logged
 * warning.
 */
import fs from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import type { PluginContext } from "#plugin-api";
import { expectedError } from "#common/plugin-errors.ts";
import type { Team } from "#common/wire.ts";
import { auditedWorkflow, workflowApplier } from "./commands/workflow-applier.ts";
import type { WorkflowDeps } from "./deps.ts";

/** The workflows directory, as the host resolved the manifest's `directories.workflows`. */
export function workflowsDirectory(ctx: Pick<PluginContext, "directories">): string {
  const dir = ctx.directories.workflows;
  if (!dir) throw new Error("the manifest declares no workflows directory (plugin.json directories.workflows)");
  return dir;
}

/**
 * Apply the workflow files of the directory, or with `team` only the files
 * naming that team (a team just created); returns how many were applied or
 * already current.
 */
export async function applyWorkflowDirectory(deps: WorkflowDeps, props: { dir: string; team?: Team }): Promise<number> {
  const { ctx } = deps;
  const { dir } = props;
  if (!fs.existsSync(dir)) return 0;
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/i.test(f))
    .sort();
  let applied = 0;
  for (const file of files) {
    const full = path.join(dir, file);
    try {
      const source = fs.readFileSync(full, "utf8");
      const teamName = parseDocument(source).get("team");
      if (props.team && teamName !== props.team.name) continue; // another team's file, or one already warned about at activation
      if (typeof teamName !== "string" || !teamName) {
        ctx.log.warn("workflow file skipped: it needs a team key naming its team", { file: full });
        continue;
      }
      const team = props.team ?? (await ctx.teams.getByName(teamName));
      if (!team) {
        ctx.log.warn("workflow file not applied yet: no such team; it will be applied when the team is created", {
          file: full,
          team: teamName,
        });
        continue;
      }
      const result = await workflowApplier(deps, { teamId: team.id, source, actor: null, unchangedOnly: true });
      if (result.changed) await ctx.audit.record({ extraInfo: `${auditedWorkflow(result.workflow)} applied from ${full}` });
      applied++;
    } catch (error) {
      const expected = expectedError(error);
      ctx.log.warn("workflow file skipped", { file: full, error: expected ? expected.message : String(error) });
    }
  }
  return applied;
}
