/** A note about something that happened to the user (e.g. removed from the channel they were in), until they dismiss it. */
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";

export function WorkspaceNotice() {
  const { store } = useServices();
  const notice = useStore(store, (s) => s.notice);
  if (!notice) return null;
  return (
    <div className="notice workspace-notice" role="status">
      <span>{notice}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => store.update((s) => ({ ...s, notice: null }))}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}
