/**
 * @module incident/server/playbook-directory
 * Apply the playbooks of the plugin's declared `playbooks` directory
 * (`ctx.directories.playbooks`: `SITREP_PLAYBOOKS_DIR`, default `./playbooks`,
 * resolved by the host from its configuration) at every activation, and a new team's files when that team is created. Each
 * file names its team; files of teams that do not exist yet wait for their
 * team, and invalid files are skipped with a logged warning.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { expectedError } from "#common/plugin-errors.ts";
import type { PluginContext } from "#plugin-api";
import type { Team } from "#common/wire.ts";
import { playbookApplier } from "./commands/playbook-applier.ts";
import type { IncidentDeps } from "./incident-deps.ts";

/** The directory the plugin reads playbooks from, as the host resolved it for the manifest's `directories.playbooks`. */
export function playbooksDirectory(ctx: Pick<PluginContext, "directories">): string {
  const dir = ctx.directories.playbooks;
  if (!dir) throw new Error("the host resolved no playbooks directory: plugin.json must declare directories.playbooks");
  return dir;
}

/**
 * Apply the `*.yaml`/`*.yml` files of the directory, or with `team` only the
 * files naming that team (a team just created); returns how many were applied.
 */
export async function applyPlaybookDirectory(deps: IncidentDeps, props: { dir: string; team?: Team }): Promise<number> {
  const { dir } = props;
  const { log } = deps.ctx;
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch {
    return 0; // no directory: nothing to apply
  }
  let applied = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const source = await fs.readFile(file, "utf8");
    let teamName: unknown;
    try {
      teamName = (parse(source) as { team?: unknown } | null)?.team;
    } catch {
      teamName = undefined;
    }
    if (props.team && teamName !== props.team.name) continue; // another team's file, or one already warned about at activation
    if (typeof teamName !== "string" || !teamName) {
      log.warn("playbook skipped: a file in the playbooks directory must name its team (team: <name>)", { file });
      continue;
    }
    const team = props.team ?? (await deps.ctx.teams.getByName(teamName));
    if (!team) {
      log.warn(`playbook not applied yet: team "${teamName}" does not exist; it will be applied when the team is created`, { file });
      continue;
    }
    try {
      const [result] = await playbookApplier(deps, { teamId: team.id, files: [{ path: file, source }] });
      applied += 1;
      if (result && result.outcome !== "unchanged")
        log.info(`playbook ${result.outcome}: ${result.playbook.name} v${result.playbook.version}`, { file, team: teamName });
    } catch (error) {
      const expected = expectedError(error);
      if (!expected) throw error;
      log.warn(`playbook skipped: ${expected.message}`, { file });
    }
  }
  return applied;
}
