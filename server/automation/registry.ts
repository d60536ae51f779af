/**
 * @module automation/registry
 * The automation registry: triggers and actions offered by the host and by
 * plugins, the catalog, and the depth carried from an action run to the events
 * it causes (the workflow loop guard reads it).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ActionDefinition, AutomationApi, Disposable, FiredTrigger, TriggerDefinition } from "../../common/plugin-api.ts";
import { badRequest, conflict } from "../errors.ts";

interface Owned<T> {
  pluginId: string;
  definition: T;
}

export class AutomationRegistry {
  private readonly triggers = new Map<string, Owned<TriggerDefinition>>();
  private readonly actions = new Map<string, Owned<ActionDefinition>>();
  private readonly listeners = new Set<(event: FiredTrigger) => void>();
  /** The depth of the workflow run whose action is executing now, across awaits. */
  private readonly depth = new AsyncLocalStorage<number>();

  /** The registry as one plugin (or `host`) sees it; its registrations are tracked by `track`. */
  forPlugin(pluginId: string, track: (d: Disposable) => Disposable = (d) => d): AutomationApi {
    return {
      registerTrigger: (trigger) => {
        const handle = this.registerTrigger(pluginId, trigger);
        track(handle);
        return handle;
      },
      registerAction: (action) => track(this.registerAction(pluginId, action)),
      catalog: () => this.catalog(),
      onTrigger: (listener) => track(this.onTrigger(listener)),
      runAction: (name, input) => this.runAction(name, input),
      previewAction: (name, input) => this.previewAction(name, input),
    };
  }

  registerTrigger(pluginId: string, definition: TriggerDefinition): Disposable & { fire(event: Omit<FiredTrigger, "trigger" | "depth">): void } {
    const existing = this.triggers.get(definition.name);
    if (existing) throw conflict("automation.trigger.taken", `trigger: "${definition.name}" is already offered by ${existing.pluginId}`);
    const entry = { pluginId, definition };
    this.triggers.set(definition.name, entry);
    return {
      fire: (event) => {
        if (this.triggers.get(definition.name) !== entry) return;
        this.emit({ ...event, trigger: definition.name, depth: this.depth.getStore() ?? 0 });
      },
      dispose: () => {
        if (this.triggers.get(definition.name) === entry) this.triggers.delete(definition.name);
      },
    };
  }

  registerAction(pluginId: string, definition: ActionDefinition): Disposable {
    const existing = this.actions.get(definition.name);
    if (existing) throw conflict("automation.action.taken", `action: "${definition.name}" is already offered by ${existing.pluginId}`);
    const entry = { pluginId, definition };
    this.actions.set(definition.name, entry);
    return {
      dispose: () => {
        if (this.actions.get(definition.name) === entry) this.actions.delete(definition.name);
      },
    };
  }

  onTrigger(listener: (event: FiredTrigger) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  trigger(name: string): TriggerDefinition | undefined {
    return this.triggers.get(name)?.definition;
  }

  action(name: string): ActionDefinition | undefined {
    return this.actions.get(name)?.definition;
  }

  catalog(): ReturnType<AutomationApi["catalog"]> {
    const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
    return {
      triggers: [...this.triggers.values()].map((t) => ({ ...t.definition, plugin_id: t.pluginId })).sort(byName),
      actions: [...this.actions.values()].map(({ pluginId, definition: { run: _run, preview: _preview, ...rest } }) => ({ ...rest, plugin_id: pluginId })).sort(byName),
    };
  }

  /** Run an action; triggers fired while it runs carry `depth + 1`. */
  async runAction(name: string, input: { params: Record<string, unknown>; actorId: string; teamId: string; depth: number }): Promise<Record<string, unknown>> {
    const action = this.actions.get(name);
    if (!action) throw badRequest("automation.action.unknown", `action: "${name}" is not offered by any enabled plugin`);
    return this.depth.run(input.depth + 1, () => action.definition.run({ params: input.params, actorId: input.actorId, teamId: input.teamId }));
  }

  async previewAction(name: string, input: { params: Record<string, unknown>; actorId: string; teamId: string }): Promise<string> {
    const action = this.actions.get(name);
    if (!action) throw badRequest("automation.action.unknown", `action: "${name}" is not offered by any enabled plugin`);
    if (action.definition.preview) return action.definition.preview(input);
    return `${name} ${JSON.stringify(input.params)}`;
  }

  private emit(event: FiredTrigger): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error("automation listener failed", error);
      }
    }
  }
}
