/**
 * `/admin_console/...`: the system console, for system admins only.
 * Sections: plugins, users, the audit log, and the pages plugins registered.
 */
import { useEffect } from "react";
import { isSystemAdmin } from "#common/wire.ts";
import { Link } from "../../components/Link.tsx";
import { PluginBoundary } from "../../components/PluginBoundary.tsx";
import { paths } from "../../router/router.ts";
import { useWebLocation } from "../../store/location.ts";
import { useServices } from "../../store/services.ts";
import { useStore } from "../../store/store.ts";
import { AuditsAdmin } from "./AuditsAdmin.tsx";
import { PluginsAdmin } from "./PluginsAdmin.tsx";
import { UsersAdmin } from "./UsersAdmin.tsx";

/** The address of a plugin's System Console page. */
function adminPagePath(page: { pluginId: string; pageId: string }): string {
  return paths.admin(["plugins", page.pluginId, ...(page.pageId ? [page.pageId] : [])].map(encodeURIComponent).join("/"));
}

function PluginAdminPage({ pluginId, pageId }: { pluginId: string; pageId: string }) {
  const { plugins, store } = useServices();
  const page = useStore(plugins.contributions, (c) => c.adminPages.find((p) => p.pluginId === pluginId && p.pageId === pageId));
  const location = useWebLocation(store);
  if (!page) {
    return (
      <>
        <h1>Plugin page not available</h1>
        <p>The plugin “{pluginId}” is not enabled, or has no settings page.</p>
      </>
    );
  }
  const Component = page.component;
  return (
    <>
      <h1>{page.title}</h1>
      {location && (
        <PluginBoundary pluginId={pluginId}>
          <Component host={plugins.webHostFor(pluginId)} location={location} />
        </PluginBoundary>
      )}
    </>
  );
}

export function AdminConsolePage({ section, pluginId, pageId = "" }: { section: string; pluginId?: string; pageId?: string }) {
  const { store, plugins } = useServices();
  const me = useStore(store, (s) => s.me);
  const pluginPages = useStore(plugins.contributions, (c) => c.adminPages);

  useEffect(() => {
    document.title = "System Console · Sitrep";
  }, []);

  if (!me || !isSystemAdmin(me)) {
    return (
      <main className="message-page">
        <h1>Not allowed</h1>
        <p>The System Console is for system admins only. Ask an admin if you need something changed.</p>
        <p>
          <Link to="/">Back to Sitrep</Link>
        </p>
      </main>
    );
  }

  let content;
  if (section === "users") content = <UsersAdmin />;
  else if (section === "audits") content = <AuditsAdmin />;
  else if (section === "plugin" && pluginId) content = <PluginAdminPage pluginId={pluginId} pageId={pageId} />;
  else content = <PluginsAdmin />;
  const current = (key: string) => (key === section ? "page" : undefined);
  const currentPlugin = (p: { pluginId: string; pageId: string }) =>
    section === "plugin" && p.pluginId === pluginId && p.pageId === pageId ? "page" : undefined;

  return (
    <div className="admin-console">
      <nav className="admin-nav" aria-label="System Console">
        <p className="admin-brand">System Console</p>
        <ul>
          <li>
            <Link to={paths.admin("plugins")} aria-current={current("plugins")}>
              Plugins
            </Link>
          </li>
          <li>
            <Link to={paths.admin("users")} aria-current={current("users")}>
              Users
            </Link>
          </li>
          <li>
            <Link to={paths.admin("audits")} aria-current={current("audits")}>
              Audit log
            </Link>
          </li>
          {pluginPages.map((p) => (
            <li key={p.key}>
              <Link to={adminPagePath(p)} aria-current={currentPlugin(p)}>
                {p.title}
              </Link>
            </li>
          ))}
        </ul>
        <p>
          <Link to="/">← Back to team</Link>
        </p>
      </nav>
      <main className="admin-main" id="main">
        {content}
      </main>
    </div>
  );
}
