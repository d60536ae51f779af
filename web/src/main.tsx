/**
 * The web app's entry: build the app's services, then render.
 */
// First: no zod parser compiled with `new Function` under the CSP.
import "#common/csp-safe-zod.ts";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ApiClient } from "./api/client.ts";
import { WireParser } from "./api/wire-parser.ts";
import { App } from "./App.tsx";
import { PluginHost } from "./plugins/plugin-host.ts";
import { eventApplier, resyncer } from "./realtime/events.ts";
import { RealtimeSocket } from "./realtime/socket.ts";
import { shareModules } from "./plugins/shared-modules.ts";
import { createWebHost } from "./plugins/web-host.ts";
import { Router } from "./router/router.ts";
import { latestPostsLoader } from "./store/posts.ts";
import type { Services } from "./store/services.ts";
import { initialState } from "./store/state.ts";
import { Store } from "./store/store.ts";
import { themeStarter } from "./store/theme.ts";
import "./styles.css";

shareModules();
themeStarter();
const store = new Store(initialState);
// Server data the app cannot read is shown (WireErrorBanner), not used.
const wire = new WireParser({
  onInvalid: (error) => store.update((s) => (s.wireError === error.message ? s : { ...s, wireError: error.message })),
});
// A session that ended elsewhere sends the user to the login page.
const api = new ApiClient({ wire, onUnauthorized: () => store.update((s) => (s.me ? { ...s, me: null } : s)) });
const router = new Router();
const services: Services = {
  api,
  wire,
  store,
  router,
  plugins: new PluginHost({ api, createWebHost: (pluginId) => createWebHost({ api, store, router }, pluginId) }),
  // The callbacks run once the socket is started (App.tsx), when `services` is whole.
  socket: new RealtimeSocket({
    wire,
    onEvent: (event) => eventApplier(services, event),
    onStateChange: (connection) => store.update((s) => (s.connection === connection ? s : { ...s, connection })),
    onResync: () => resyncer(services, (channelId) => latestPostsLoader(services, channelId)),
    onSessionEnded: () => store.update((s) => ({ ...s, me: null })),
  }),
};

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App services={services} />
  </StrictMode>,
);
