/**
 * @module components/use-action
 * Runs a store action from a control: tracks that it is pending and keeps
 * the server's error message to show inline — for as long as the scope it
 * failed in lasts. The scope ({@link ActionScope}) names the incident and its
 * state (its last change, the user's membership): once any of them changes,
 * the old error is gone, so "must be a member" does not follow the user after
 * they join, nor onto another incident's detail.
 */
import { createContext, useCallback, useContext, useRef, useState } from "react";
import { toActionError, type ActionError } from "../incident-store.ts";

export interface ActionRunner {
  pending: boolean;
  error: ActionError | null;
  clearError(): void;
  /** Runs `work`; resolves true when it succeeded. */
  run(work: () => Promise<unknown>): Promise<boolean>;
}

/** What an action's error belongs to; a change of it clears the error. */
export const ActionScope = createContext("");

export function useAction(): ActionRunner {
  const scope = useContext(ActionScope);
  const scopeRef = useRef(scope);
  scopeRef.current = scope;
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<{ scope: string; error: ActionError } | null>(null);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setPending(true);
    setFailure(null);
    try {
      await work();
      return true;
    } catch (e) {
      setFailure({ scope: scopeRef.current, error: toActionError(e) });
      return false;
    } finally {
      setPending(false);
    }
  }, []);
  const error = failure && failure.scope === scope ? failure.error : null;
  return { pending, error, run, clearError: useCallback(() => setFailure(null), []) };
}

/** The scope of an incident's controls: the incident, its last change and whether the user may change it. */
export function incidentActionScope(props: { incidentId: string; updateAt: number; member: boolean | undefined }): string {
  return `${props.incidentId}:${props.updateAt}:${String(props.member)}`;
}

/** The inline error of a control, announced when it appears. */
export function ErrorText({ error, id }: { error: ActionError | null; id?: string }) {
  if (!error) return null;
  return (
    <p role="alert" id={id} className="incident-alert">
      {error.message}
    </p>
  );
}
