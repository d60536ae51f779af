/**
 * @module automation/registry
 * The automation registry: triggers and actions offered by the host and by
 * plugins, the catalog, subscriptions to triggers addressed to one subscriber
 * (schedules, slash command words, webhook URLs), and the depth carried from an
 * action run to the events it causes (the workflow loop guard reads it).
 *
 * An action's parameters are its zod schema: the registry parses the params of
 * every `runAction` and `previewAction` with it, whoever calls (a workflow run,
 * another plugin, the host), so `run` and `preview` only ever see typed input;
 * the catalog describes the same schema ({@link describeParameters}).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type {
  ActionDefinition,
  ActionOnBehalfOf,
  AutomationApi,
  CatalogAction,
  CatalogTrigger,
  Disposable,
  FiredTrigger,
  TriggerDefinition,
  TriggerSubscription,
} from "#plugin-api";
import { describeParameters } from "#common/automation-params.ts";
import { zodProblem } from "#common/zod-problem.ts";
import { badRequest, conflict } from "../errors.ts";

interface Owned<T> {
  pluginId: string;
  definition: T;
}

/** An offered action, with its parameters described once for the catalog. */
interface OwnedAction extends Owned<ActionDefinition> {
  parameters: CatalogAction["parameters"];
}

/** The error id of params an action's schema refuses. */
export const INVALID_PARAMS = "automation.action.invalid_params";

/** What a fire handle takes: the host sets `trigger`, `depth` and `target`. */
type FireInput = Omit<FiredTrigger, "trigger" | "depth" | "target">;

/** Where the registry reports a listener that threw. */
export interface AutomationLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The default `where` rule: each condition equals the event's value of the same
 * name (strings case-insensitively; a list of conditions means any of them).
 */
export function defaultTriggerMatch(where: Record<string, unknown>, event: FiredTrigger): boolean {
  const same = (want: unknown, have: unknown) =>
    typeof want === "string" && typeof have === "string" ? want.toLowerCase() === have.toLowerCase() : want === have;
  return Object.entries(where).every(([key, want]) => {
    if (want === undefined || want === null) return true;
    const have = event.values[key];
    return Array.isArray(want) ? want.some((w) => same(w, have)) : same(want, have);
  });
}

export class AutomationRegistry {
  private readonly triggers = new Map<string, Owned<TriggerDefinition>>();
  private readonly actions = new Map<string, OwnedAction>();
  private readonly listeners = new Set<(event: FiredTrigger) => void>();
  /** The depth of the workflow run whose action is executing now, across awaits. */
  private readonly depth = new AsyncLocalStorage<number>();

  constructor(private readonly props: { log?: AutomationLogger } = {}) {}

  /** The registry as one plugin (or `host`) sees it; its registrations are tracked by `track`. */
  forPlugin(pluginId: string, track: (d: Disposable) => Disposable = (d) => d): AutomationApi {
    return {
      registerTrigger: (trigger) => {
        const handle = this.registerTrigger(pluginId, trigger);
        // Disposing the returned handle also lets go of the tracked registration.
        const tracked = track(handle);
        return { fire: handle.fire, dispose: () => tracked.dispose() };
      },
      registerAction: (action) => track(this.registerAction(pluginId, action)),
      catalog: () => this.catalog(),
      onTrigger: (listener) => track(this.onTrigger(listener)),
      subscribe: (trigger, subscription) => {
        const handle = this.subscribe(trigger, subscription);
        const tracked = track(handle);
        return { fire: handle.fire, dispose: () => tracked.dispose() };
      },
      matches: (where, event) => this.matches(where, event),
      runAction: (name, input) => this.runAction(name, input),
      previewAction: (name, input) => this.previewAction(name, input),
    };
  }

  registerTrigger(pluginId: string, definition: TriggerDefinition): Disposable & { fire(event: FireInput): void } {
    const existing = this.triggers.get(definition.name);
    if (existing) throw conflict("automation.trigger.taken", `trigger: "${definition.name}" is already offered by ${existing.pluginId}`);
    const entry = { pluginId, definition };
    this.triggers.set(definition.name, entry);
    return {
      fire: (event) => {
        if (this.triggers.get(definition.name) !== entry) return;
        this.emit({ ...event, trigger: definition.name, depth: this.currentDepth() });
      },
      dispose: () => {
        if (this.triggers.get(definition.name) === entry) this.triggers.delete(definition.name);
      },
    };
  }

  registerAction(pluginId: string, definition: ActionDefinition): Disposable {
    const existing = this.actions.get(definition.name);
    if (existing) throw conflict("automation.action.taken", `action: "${definition.name}" is already offered by ${existing.pluginId}`);
    const entry = { pluginId, definition, parameters: describeParameters(definition.parameters) };
    this.actions.set(definition.name, entry);
    return {
      dispose: () => {
        if (this.actions.get(definition.name) === entry) this.actions.delete(definition.name);
      },
    };
  }

  /** True when someone listens to fired triggers (a trigger may skip work otherwise). */
  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  onTrigger(listener: (event: FiredTrigger) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /**
   * Subscribe to a trigger addressed to subscribers. Events fired through the
   * subscription carry `target: subscription.key`.
   * @example registry.subscribe("schedule", { key: workflowId, teamId, where: { cron: "0 9 * * *" }, label: "Daily report" })
   */
  subscribe(triggerName: string, subscription: TriggerSubscription): Disposable & { fire(event: FireInput): void } {
    const entry = this.triggers.get(triggerName);
    if (!entry) throw badRequest("automation.trigger.unknown", `trigger: "${triggerName}" is not offered by any enabled plugin`);
    let active = true;
    const fire = (event: FireInput) => {
      if (!active || this.triggers.get(triggerName) !== entry) return;
      this.emit({ ...event, trigger: triggerName, depth: this.currentDepth(), target: subscription.key });
    };
    const inner = entry.definition.subscribe?.(subscription, fire);
    return {
      fire,
      dispose: () => {
        if (!active) return;
        active = false;
        inner?.dispose();
      },
    };
  }

  /** Does the event meet `where`? The trigger's own rule, or {@link defaultTriggerMatch}. */
  matches(where: Record<string, unknown>, event: FiredTrigger): boolean {
    const definition = this.triggers.get(event.trigger)?.definition;
    try {
      return definition?.matches ? definition.matches(where, event) : defaultTriggerMatch(where, event);
    } catch (error) {
      this.props.log?.warn("trigger matcher threw; treated as no match", { trigger: event.trigger, error: String(error) });
      return false;
    }
  }

  trigger(name: string): TriggerDefinition | undefined {
    return this.triggers.get(name)?.definition;
  }

  action(name: string): ActionDefinition | undefined {
    return this.actions.get(name)?.definition;
  }

  /** Every trigger and action offered now, as plain data sorted by name. */
  catalog(): { triggers: CatalogTrigger[]; actions: CatalogAction[] } {
    const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
    return {
      triggers: [...this.triggers.values()]
        .map(({ pluginId, definition: d }) => ({
          name: d.name,
          description: d.description,
          parameters: d.parameters,
          provides: d.provides,
          ...(d.openValues ? { openValues: true } : {}),
          plugin_id: pluginId,
        }))
        .sort(byName),
      actions: [...this.actions.values()]
        .map(({ pluginId, definition: d, parameters }) => ({
          name: d.name,
          description: d.description,
          parameters,
          returns: d.returns,
          plugin_id: pluginId,
        }))
        .sort(byName),
    };
  }

  /** Run an action; triggers fired while it runs carry `depth + 1`. */
  async runAction(
    name: string,
    input: { params: Record<string, unknown>; actorId: string; teamId: string; depth: number; onBehalfOf?: ActionOnBehalfOf },
  ): Promise<Record<string, unknown>> {
    const action = this.offeredAction(name);
    const params = parsedParams(action.definition, input.params);
    const { actorId, teamId, onBehalfOf } = input;
    return this.depth.run(input.depth + 1, () => action.definition.run({ params, actorId, teamId, ...(onBehalfOf ? { onBehalfOf } : {}) }));
  }

  async previewAction(name: string, input: { params: Record<string, unknown>; actorId: string; teamId: string }): Promise<string> {
    const action = this.offeredAction(name);
    const params = parsedParams(action.definition, input.params);
    if (action.definition.preview) return action.definition.preview({ params, actorId: input.actorId, teamId: input.teamId });
    return `${name} ${JSON.stringify(params)}`;
  }

  private offeredAction(name: string): OwnedAction {
    const action = this.actions.get(name);
    if (!action) throw badRequest("automation.action.unknown", `action: "${name}" is not offered by any enabled plugin`);
    return action;
  }

  /** The depth of the action running in this async context; 0 outside any run. */
  currentDepth(): number {
    return this.depth.getStore() ?? 0;
  }

  private emit(event: FiredTrigger): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        (this.props.log ?? console).warn("automation listener threw", { trigger: event.trigger, error: String(error) });
      }
    }
  }
}

/** The params as the action's schema reads them, or a 400 naming each field and reason. */
function parsedParams(action: ActionDefinition, params: Record<string, unknown>): Record<string, unknown> {
  const parsed = action.parameters.safeParse(params);
  if (!parsed.success) throw zodProblem(parsed.error, { id: INVALID_PARAMS, input: params, plain: true });
  return parsed.data;
}
