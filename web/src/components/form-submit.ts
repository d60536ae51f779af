/** The submit handler of a form that calls the server. */
import { useState, type FormEvent } from "react";
import { errorMessage } from "../api/client.ts";

/**
 * Submit a form: no page load, `busy` while the action runs (to disable the
 * button), and the failure's message in `error` (for {@link FormError}).
 * @example const { submit, busy, error } = useFormSubmit(() => loginStarter(services, props));
 */
export function useFormSubmit(action: () => Promise<unknown>): {
  submit(event: FormEvent): Promise<void>;
  busy: boolean;
  error: string | null;
} {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return { submit, busy, error };
}
