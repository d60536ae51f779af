/**
 * The center of the workspace on a plugin's page (`/{team}/{path}/...`,
 * registered with `registerPage`): the page in a {@link PluginBoundary}, a
 * loading note while plugins load, "not found" when no plugin has the path.
 */
import { useEffect } from "react";
import { pluginPageFor } from "../plugins/contributions.ts";
import { useWebLocation } from "../store/location.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { PluginBoundary } from "./PluginBoundary.tsx";

export function PluginPageView({ path, subpath }: { path: string; subpath: string[] }) {
  const { plugins, store } = useServices();
  const page = useStore(plugins.contributions, (c) => pluginPageFor(c, path));
  const anyLoaded = useStore(plugins.contributions, (c) => c.loaded.length > 0);
  const location = useWebLocation(store);
  // No channel is in view on a page: the channel sidebar shows none as current.
  useEffect(() => {
    store.update((s) => (s.currentChannelId === null ? s : { ...s, currentChannelId: null }));
  }, [store]);
  useEffect(() => {
    if (page) document.title = `${page.title} · Sitrep`;
  }, [page]);
  if (!page || !location)
    return (
      <main className="center center-message" id="main" aria-busy={!anyLoaded}>
        {anyLoaded ? <h1>Page not found</h1> : <p>Loading…</p>}
      </main>
    );
  const Component = page.component;
  return (
    <main className="center plugin-page" id="main" aria-label={page.title}>
      <PluginBoundary pluginId={page.pluginId} key={page.key}>
        <Component host={plugins.webHostFor(page.pluginId)} location={location} subpath={subpath} />
      </PluginBoundary>
    </main>
  );
}
