/**
 * The app: checks the session, keeps the WebSocket and the plugins in step
 * with it, and shows the page for the current address.
 */
import { useEffect } from "react";
import { matchRoute, paths, useRoute } from "./router/router.ts";
import { ServicesContext, type Services } from "./store/services.ts";
import { sessionChecker } from "./store/session.ts";
import { useStore } from "./store/store.ts";
import { teamsLoader } from "./store/teams.ts";
import { LoginPage } from "./pages/LoginPage.tsx";
import { SignupPage } from "./pages/SignupPage.tsx";
import { SelectTeamPage } from "./pages/SelectTeamPage.tsx";
import { WorkspacePage } from "./pages/WorkspacePage.tsx";
import { AdminConsolePage } from "./pages/admin/AdminConsolePage.tsx";
import { NotFoundPage } from "./pages/NotFoundPage.tsx";
import { RootRedirect } from "./pages/RootRedirect.tsx";
import { DialogModal } from "./components/DialogModal.tsx";
import { WireErrorBanner } from "./components/WireErrorBanner.tsx";

export function App({ services }: { services: Services }) {
  const { store, router, plugins, socket } = services;
  const me = useStore(store, (s) => s.me);
  const location = useRoute(router);
  const route = matchRoute(location.pathname);
  const publicPage = route.page === "login" || route.page === "signup";

  useEffect(() => {
    sessionChecker(services).catch(() => store.update((s) => ({ ...s, me: null })));
  }, [services, store]);

  // Signed in: connect, load teams and plugins; signed out: tear down.
  const userId = me?.id;
  useEffect(() => {
    if (!userId) return;
    socket.start();
    void teamsLoader(services).catch(() => undefined);
    void plugins.sync();
    return () => {
      socket.stop();
      plugins.unloadAll();
    };
  }, [userId, socket, services, plugins]);

  // A signed-out visitor lands on /login and comes back after signing in.
  useEffect(() => {
    if (me === null && !publicPage) router.navigate(paths.login(location.pathname + location.search), { replace: true });
  }, [me, publicPage, router, location.pathname, location.search]);

  let page;
  if (route.page === "login") page = <LoginPage />;
  else if (route.page === "signup") page = <SignupPage />;
  else if (!me)
    page = (
      <main className="loading-page" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  else if (route.page === "root") page = <RootRedirect />;
  else if (route.page === "select_team") page = <SelectTeamPage />;
  else if (route.page === "admin") page = <AdminConsolePage section={route.section} pluginId={route.pluginId} pageId={route.pageId} />;
  else if (
    route.page === "team" ||
    route.page === "channel" ||
    route.page === "permalink" ||
    route.page === "plugin_page" ||
    route.page === "messages"
  )
    page = <WorkspacePage route={route} />;
  else page = <NotFoundPage />;

  return (
    <ServicesContext.Provider value={services}>
      <WireErrorBanner />
      {page}
      {me && <DialogModal />}
    </ServicesContext.Provider>
  );
}
