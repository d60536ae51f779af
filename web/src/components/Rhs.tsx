/** The right-hand sidebar: the plugin panel that is open, if any. */
import { useServices } from "../store/services.ts";
import { useWebLocation } from "../store/location.ts";
import { useStore } from "../store/store.ts";
import { PluginBoundary } from "./PluginBoundary.tsx";

export function Rhs() {
  const { plugins, store } = useServices();
  const panel = useStore(plugins.contributions, (c) => c.rhs.find((r) => r.key === c.openRhs));
  const location = useWebLocation(store);
  if (!panel || !location) return null;
  const Component = panel.component;
  return (
    <aside className="rhs" aria-label={panel.title}>
      <header className="rhs-header">
        <h2>{panel.title}</h2>
        <button type="button" className="icon-button" aria-label={`Close ${panel.title}`} onClick={() => plugins.setOpenRhs(null)}>
          <span aria-hidden="true">×</span>
        </button>
      </header>
      <div className="rhs-body">
        <PluginBoundary pluginId={panel.pluginId} key={panel.key}>
          <Component host={plugins.webHostFor(panel.pluginId)} location={location} />
        </PluginBoundary>
      </div>
    </aside>
  );
}
