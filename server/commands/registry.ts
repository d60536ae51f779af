/**
 * @module commands/registry
 * Slash commands: plugins register triggers with autocomplete data; the API
 * executes `/trigger args`.
 */
import type { CommandDefinition, Disposable } from "#plugin-api";
import type { CommandAutocomplete } from "#common/wire.ts";
import { conflict } from "../errors.ts";

interface Registered {
  pluginId: string;
  definition: CommandDefinition;
}

export class CommandRegistry {
  private readonly commands = new Map<string, Registered>();

  /** Register a trigger for a plugin (or `host`). A trigger has one owner. */
  register(pluginId: string, definition: CommandDefinition): Disposable {
    const trigger = definition.trigger.replace(/^\//, "").toLowerCase();
    const existing = this.commands.get(trigger);
    if (existing) throw conflict("api.command.trigger_taken", `trigger: /${trigger} is already registered by ${existing.pluginId}`);
    const entry = { pluginId, definition };
    this.commands.set(trigger, entry);
    return {
      dispose: () => {
        if (this.commands.get(trigger) === entry) this.commands.delete(trigger);
      },
    };
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
   * Autocomplete data of the commands offered in `teamIds` (the teams a user
   * belongs to, or one team): every team's, and those of these teams, sorted
   * by trigger. A team's workflow trigger is never shown outside it.
   */
  autocomplete(props: { teamIds: ReadonlySet<string> }): CommandAutocomplete[] {
    return [...this.commands.entries()]
      .filter(([, entry]) => inTeams(entry, props.teamIds))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([trigger, { pluginId, definition }]) => ({
        trigger,
        plugin_id: pluginId,
        description: definition.description,
        hint: definition.hint ?? "",
        subcommands: (definition.subcommands ?? []).map((s) => ({ name: s.name, hint: s.hint ?? "", description: s.description })),
      }));
  }
}

/** Whether a command is offered in one of these teams: one without a team is offered in all. */
function inTeams(entry: Registered, teamIds: ReadonlySet<string>): boolean {
  const teamId = entry.definition.teamId;
  return teamId === undefined || teamIds.has(teamId);
}
