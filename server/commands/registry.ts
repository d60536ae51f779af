/**
 * @module commands/registry
 * Slash commands: plugins register triggers with autocomplete data; the API
 * executes `/trigger args`.
 */
import type { CommandDefinition, Disposable } from "#plugin-api";
import type { SlashCommand } from "#common/wire.ts";
import { mattermostCommand } from "#common/slash-command.ts";
import { conflict } from "../errors.ts";

interface Registered {
  pluginId: string;
  definition: CommandDefinition;
}

/** The 409 of a trigger word that already names a command. */
const triggerTaken = (trigger: string, owner: string) =>
  conflict("api.command.trigger_taken", `trigger: /${trigger} is already registered by ${owner}`);

/** A trigger as stored and looked up: no leading slash, lower case. */
export function normalTrigger(trigger: string): string {
  return trigger.replace(/^\//, "").toLowerCase();
}

/**
 * Every slash command of the host: the built-ins, plugins' and workflows'
 * (registered here), and teams' custom commands (stored, whose triggers are
 * claimed here), so that a trigger word names one command wherever it runs.
 */
export class CommandRegistry {
  private readonly commands = new Map<string, Registered>();
  /** Custom commands' triggers (services/custom-commands.ts): the teams that have each. */
  private readonly customTriggers = new Map<string, Set<string>>();

  /** Register a trigger for a plugin (or `host`). A trigger has one owner; a team's custom command holds it in that team. */
  register(pluginId: string, definition: CommandDefinition): Disposable {
    const trigger = normalTrigger(definition.trigger);
    const existing = this.commands.get(trigger);
    if (existing) throw triggerTaken(trigger, existing.pluginId);
    const teams = this.customTriggers.get(trigger);
    if (teams && (definition.teamId === undefined ? teams.size > 0 : teams.has(definition.teamId)))
      throw triggerTaken(trigger, "a team's custom command");
    const entry = { pluginId, definition };
    this.commands.set(trigger, entry);
    return {
      dispose: () => {
        if (this.commands.get(trigger) === entry) this.commands.delete(trigger);
      },
    };
  }

  /**
   * Claim a trigger for a team's custom command: a 409 when a registered
   * command runs in that team. {@link releaseCustom} gives it back.
   */
  claimCustom(props: { teamId: string; trigger: string }): void {
    const trigger = normalTrigger(props.trigger);
    const existing = this.get(trigger, { teamId: props.teamId });
    if (existing) throw triggerTaken(trigger, existing.pluginId);
    const teams = this.customTriggers.get(trigger) ?? new Set<string>();
    teams.add(props.teamId);
    this.customTriggers.set(trigger, teams);
  }

  /** Release a custom command's trigger in a team (its command was deleted, here or by another process). */
  releaseCustom(props: { teamId: string; trigger: string }): void {
    const trigger = normalTrigger(props.trigger);
    const teams = this.customTriggers.get(trigger);
    teams?.delete(props.teamId);
    if (teams?.size === 0) this.customTriggers.delete(trigger);
  }

  /**
   * The command of a trigger where it may run: in a channel of `teamId` ("" for
   * a direct message), a command of another team is not there at all.
   */
  get(trigger: string, where: { teamId: string }): Registered | undefined {
    const found = this.commands.get(trigger.toLowerCase());
    return found && inTeams(found, new Set([where.teamId])) ? found : undefined;
  }

  /**
   * The commands offered in `teamIds` (the teams a user belongs to, or one
   * team) as Mattermost `Command` objects: every team's, and those of these
   * teams, sorted by trigger. A team's workflow trigger is never shown outside it.
   */
  autocomplete(props: { teamIds: ReadonlySet<string> }): SlashCommand[] {
    return [...this.commands.entries()]
      .filter(([, entry]) => inTeams(entry, props.teamIds))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([trigger, { pluginId, definition }]) =>
        mattermostCommand({
          trigger,
          pluginId: pluginId === "host" ? "" : pluginId,
          teamId: definition.teamId ?? "",
          description: definition.description,
          hint: definition.hint ?? "",
          subcommands: definition.subcommands ?? [],
        }),
      );
  }
}

/** Whether a command is offered in one of these teams: one without a team is offered in all. */
function inTeams(entry: Registered, teamIds: ReadonlySet<string>): boolean {
  const teamId = entry.definition.teamId;
  return teamId === undefined || teamIds.has(teamId);
}
