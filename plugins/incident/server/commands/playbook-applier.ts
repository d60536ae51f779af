/**
 * @module incident/server/commands/playbook-applier
 * Create or replace playbooks from YAML, several at once, all or nothing:
 * every file is validated first, then all are written in one transaction.
 */
import { newId } from "#common/ids.ts";
import { conflict, invalid } from "#common/plugin-errors.ts";
import { capProblems } from "#common/yaml-source.ts";
import { parsePlaybook, type PlaybookSpec } from "../../common/playbook.ts";
import type { PlaybookProblem } from "../../common/types.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import type { PlaybookRecord } from "../store.ts";

/** One applied playbook and what happened to it. */
export interface AppliedPlaybook {
  playbook: PlaybookRecord;
  outcome: "created" | "updated" | "unchanged";
}

/**
 * Validate and store playbooks in a team. Throws a 400 `incident.playbook.invalid`
 * whose `details` list every problem `{file?, line, column, path, reason}`.
 */
export async function playbookApplier(
  deps: IncidentDeps,
  props: { teamId: string; files: Array<{ path?: string; source: string }> },
): Promise<AppliedPlaybook[]> {
  const team = await deps.ctx.teams.get(props.teamId);
  if (!team) throw invalid("incident.playbook.team", `team_id: no team with id ${props.teamId}`);
  const problems: PlaybookProblem[] = [];
  const specs: Array<{ spec: PlaybookSpec; source: string; file?: string }> = [];
  const names = new Map<string, string>();
  for (const file of props.files) {
    // Each file is read in one go (up to a few hundred ms for the largest); other requests are served in between.
    await new Promise((resolve) => setImmediate(resolve));
    const withFile = (p: Omit<PlaybookProblem, "file">): PlaybookProblem => (file.path ? { ...p, file: file.path } : p);
    const parsed = parsePlaybook(file.source);
    if (!parsed.ok) {
      problems.push(...parsed.problems.map(withFile));
      continue;
    }
    const { spec } = parsed;
    if (spec.team !== undefined && spec.team !== team.name) {
      problems.push(
        withFile({
          ...keyPosition(file.source, "team"),
          path: "team",
          reason: `the playbook names team "${spec.team}" but is applied to team "${team.name}"`,
        }),
      );
      continue;
    }
    const key = spec.name.toLowerCase();
    if (names.has(key)) {
      problems.push(
        withFile({
          ...keyPosition(file.source, "name"),
          path: "name",
          reason: `another file (${names.get(key) || "an earlier one"}) defines a playbook named "${spec.name}" too`,
        }),
      );
      continue;
    }
    names.set(key, file.path ?? "");
    specs.push({ spec, source: file.source, file: file.path });
  }
  if (problems.length) {
    // Counted before the list is cut to its first problems (details end with a line saying how many more).
    const total = problems.length;
    capProblems(problems);
    const shown = problems
      .slice(0, 3)
      .map((p) => `${p.file ? `${p.file}:` : ""}${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ""}${p.reason}`);
    const more = total > 3 ? ` (and ${total - 3} more)` : "";
    throw invalid(
      "incident.playbook.invalid",
      `source: the playbook is invalid, ${total} problem${total === 1 ? "" : "s"}: ${shown.join("; ")}${more}`,
      problems,
    );
  }

  try {
    return await storeSpecs(deps, { teamId: team.id, specs });
  } catch (error) {
    // Another apply created one of these names since this one looked: the unique (team, name) decided.
    if (deps.ctx.storage.uniqueViolation(error)?.table === "incident_playbooks")
      throw conflict(
        "incident.playbook.name_taken",
        `name: another request created a playbook of the same name at the same moment; apply again to replace it`,
      );
    throw error;
  }
}

/** Write validated playbooks in one transaction: create each new name, replace a changed one. */
async function storeSpecs(
  deps: IncidentDeps,
  props: { teamId: string; specs: Array<{ spec: PlaybookSpec; source: string }> },
): Promise<AppliedPlaybook[]> {
  const { store } = deps;
  const { teamId, specs } = props;
  return store.transaction(async (trx) => {
    const applied: AppliedPlaybook[] = [];
    for (const { spec, source } of specs) {
      const now = Date.now();
      const existing = await store.getPlaybookByName(teamId, spec.name, trx);
      if (!existing) {
        const playbook: PlaybookRecord = {
          id: newId(),
          team_id: teamId,
          name: spec.name,
          version: 1,
          source,
          spec,
          create_at: now,
          update_at: now,
        };
        await store.insertPlaybook(playbook, trx);
        applied.push({ playbook, outcome: "created" });
      } else if (existing.source === source) {
        applied.push({ playbook: existing, outcome: "unchanged" });
      } else {
        const playbook: PlaybookRecord = { ...existing, name: spec.name, version: existing.version + 1, source, spec, update_at: now };
        await store.updatePlaybook(playbook, trx);
        applied.push({ playbook, outcome: "updated" });
      }
    }
    return applied;
  });
}

/** Where a top-level key starts (for problems found after parsing). */
function keyPosition(source: string, key: string): { line: number; column: number } {
  const lines = source.split("\n");
  const index = lines.findIndex((l) => l.startsWith(`${key}:`));
  return index >= 0 ? { line: index + 1, column: 1 } : { line: 1, column: 1 };
}
