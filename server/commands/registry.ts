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

  get(trigger: string): Registered | undefined {
    return this.commands.get(trigger.toLowerCase());
  }

  /** Autocomplete data of every command, sorted by trigger. */
  autocomplete(): CommandAutocomplete[] {
    return [...this.commands.entries()]
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
