/**
 * @module incident/server/credit
 * Who a change is credited to when a workflow made it for a person: the
 * workflow acts with its `run_as` user's permissions, but the bot's card says
 * "@alice via workflow "SEV1 alert"" rather than naming the workflow's bot,
 * so the channel shows which human set it off. The credit is carried through
 * the action's async work, so every command it runs reads it without a
 * parameter on each.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { ZodObject } from "zod";
import type { ActionDefinition, ActionOnBehalfOf } from "#plugin-api";

/** The person a workflow action runs for, and the `run_as` user it acts as. */
interface Credit extends ActionOnBehalfOf {
  actorId: string;
}

const current = new AsyncLocalStorage<Credit>();

/** The action, its `run` carrying the person it runs for (if any) to {@link creditFor}. */
export function creditedAction<P extends ZodObject>(action: ActionDefinition<P>): ActionDefinition<P> {
  return {
    ...action,
    run(input) {
      const { onBehalfOf } = input;
      return onBehalfOf ? current.run({ ...onBehalfOf, actorId: input.actorId }, () => action.run(input)) : action.run(input);
    },
  };
}

/** When `actorId` acts for a person in the running workflow action: that person and the workflow's name. */
export function creditFor(actorId: string): ActionOnBehalfOf | null {
  const credit = current.getStore();
  return credit && credit.actorId === actorId ? { userId: credit.userId, workflow: credit.workflow } : null;
}
