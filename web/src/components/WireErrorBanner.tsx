/**
 * The last server answer or event the app could not read (it did not match
 * its schema), shown over every page until dismissed. The feature that needed
 * it may also show its own error; this one is there even when it does not.
 */
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";

export function WireErrorBanner() {
  const { store } = useServices();
  const message = useStore(store, (s) => s.wireError);
  if (!message) return null;
  return (
    <div className="wire-error" role="alert">
      <p>{message}</p>
      <button type="button" className="button small" onClick={() => store.update((s) => ({ ...s, wireError: null }))}>
        Dismiss
      </button>
    </div>
  );
}
