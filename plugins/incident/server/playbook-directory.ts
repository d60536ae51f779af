/**
 * @module incident/server/playbook-directory
 * Apply the playbooks of `SITREP_PLAYBOOKS_DIR` (default `./playbooks`) at
 * every activation. Each file names its team; files of teams that do not exist
 * yet, and invalid files, are skipped with a logged warning.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { playbookApplier } from "./commands/playbook-applier.ts";
import { expectedError } from "./errors.ts";
import type { IncidentServices } from "./services.ts";

/** The directory the plugin reads playbooks from. */
export function playbooksDirectory(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.SITREP_PLAYBOOKS_DIR ?? "./playbooks");
}

/** Apply every `*.yaml`/`*.yml` file of the directory; returns how many were applied. */
export async function applyPlaybookDirectory(services: IncidentServices, dir: string): Promise<number> {
  const { log } = services.ctx;
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
    if (typeof teamName !== "string" || !teamName) {
      log.warn("playbook skipped: a file in the playbooks directory must name its team (team: <name>)", { file });
      continue;
    }
    const team = await services.ctx.teams.getByName(teamName);
    if (!team) {
      log.warn(`playbook skipped: team "${teamName}" does not exist yet; it is applied at the next start`, { file });
      continue;
    }
    try {
      const [result] = await playbookApplier(services, { teamId: team.id, files: [{ path: file, source }] });
      applied += 1;
      if (result.outcome !== "unchanged") log.info(`playbook ${result.outcome}: ${result.playbook.name} v${result.playbook.version}`, { file, team: teamName });
    } catch (error) {
      const expected = expectedError(error);
      if (!expected) throw error;
      log.warn(`playbook skipped: ${expected.message}`, { file });
    }
  }
  return applied;
}
