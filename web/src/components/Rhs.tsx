/**
 * The right-hand sidebar: the host's own view when one is open (a thread,
 * search results, the channel's members), otherwise the plugin panel that is open, if any. Esc
 * closes it (unless a dialog is open: Esc is the dialog's then).
 */
import { useEffect, type ReactNode } from "react";
import { useServices } from "../store/services.ts";
import { useWebLocation } from "../store/location.ts";
import { useStore } from "../store/store.ts";
import { ChannelMembersPanel } from "./ChannelMembersModal.tsx";
import { PluginBoundary } from "./PluginBoundary.tsx";
import { SearchPanel } from "./SearchPanel.tsx";
import { ThreadPanel } from "./ThreadPanel.tsx";

/** The sidebar's frame: a title, a close button and the body. */
function RhsFrame({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  return (
    <aside className="rhs" aria-label={title}>
      <header className="rhs-header">
        <h2>{title}</h2>
        <button type="button" className="icon-button" aria-label={`Close ${title}`} onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </header>
      <div className="rhs-body">{children}</div>
    </aside>
  );
}

export function Rhs() {
  const { plugins, store } = useServices();
  const view = useStore(store, (s) => s.rhs);
  const panel = useStore(plugins.contributions, (c) => c.rhs.find((r) => r.key === c.openRhs));
  const openKey = useStore(plugins.contributions, (c) => c.openRhs);
  const gone = useStore(plugins.contributions, (c) => c.goneRhs);
  const location = useWebLocation(store);
  const channel = useStore(store, (s) => s.viewedChannel);
  // A plugin opening its panel replaces the host's view, as in Mattermost.
  useEffect(() => {
    if (openKey) store.update((s) => (s.rhs ? { ...s, rhs: null } : s));
  }, [openKey, store]);
  const closeView = () => store.update((s) => ({ ...s, rhs: null }));
  const open = view !== null || panel !== undefined || gone !== null;
  const closeGone = () => plugins.contributions.update((c) => ({ ...c, goneRhs: null }));
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      // Read in the capture phase, before a dialog's own Esc closes it: Esc in a dialog is the dialog's alone.
      const dialogOpen = document.querySelector("[role='dialog'], [role='alertdialog'], dialog[open]");
      if (event.key !== "Escape" || event.defaultPrevented || dialogOpen) return;
      store.update((s) => (s.rhs ? { ...s, rhs: null } : s));
      plugins.setOpenRhs(null);
      plugins.contributions.update((c) => (c.goneRhs ? { ...c, goneRhs: null } : c));
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [open, store, plugins]);
  if (view?.kind === "thread")
    return (
      <RhsFrame title="Thread" onClose={closeView}>
        <ThreadPanel key={view.rootId} rootId={view.rootId} />
      </RhsFrame>
    );
  if (view?.kind === "search")
    return (
      <RhsFrame title="Search results" onClose={closeView}>
        <SearchPanel key={view.terms} terms={view.terms} />
      </RhsFrame>
    );
  if (view?.kind === "members" && channel)
    return (
      <RhsFrame title="Members" onClose={closeView}>
        <ChannelMembersPanel key={channel.id} channel={channel} />
      </RhsFrame>
    );
  if (!panel && gone)
    return (
      <RhsFrame title={gone.title} onClose={closeGone}>
        <p className="rhs-notice" role="status">
          This panel is gone: an administrator disabled the plugin that shows it. Nothing it holds was deleted; it comes back when the
          plugin is enabled again.
        </p>
      </RhsFrame>
    );
  if (!panel || !location) return null;
  const Component = panel.component;
  return (
    <RhsFrame title={panel.title} onClose={() => plugins.setOpenRhs(null)}>
      <PluginBoundary pluginId={panel.pluginId} key={panel.key}>
        <Component host={plugins.webHostFor(panel.pluginId)} location={location} />
      </PluginBoundary>
    </RhsFrame>
  );
}
