/**
 * @module components/use-action
 * Runs a store action from a control: tracks that it is pending and keeps
 * the server's error message to show inline.
 */
import { useCallback, useState } from "react";
import { toActionError, type ActionError } from "../incident-store.ts";

export interface ActionRunner {
  pending: boolean;
  error: ActionError | null;
  clearError(): void;
  /** Runs `work`; resolves true when it succeeded. */
  run(work: () => Promise<unknown>): Promise<boolean>;
}

export function useAction(): ActionRunner {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ActionError | null>(null);
  const run = useCallback(async (work: () => Promise<unknown>) => {
    setPending(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (e) {
      setError(toActionError(e));
      return false;
    } finally {
      setPending(false);
    }
  }, []);
  return { pending, error, run, clearError: useCallback(() => setError(null), []) };
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
