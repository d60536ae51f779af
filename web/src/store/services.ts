/**
 * @module store/services
 * What the web app's actions work with: one instance of each per app,
 * passed down through React context (no global singletons).
 */
import { createContext, useContext } from "react";
import type { ApiClient } from "../api/client.ts";
import type { WireParser } from "../api/wire-parser.ts";
import type { Router } from "../router/router.ts";
import type { Store } from "./store.ts";
import type { AppState } from "./state.ts";
import type { PluginHost } from "../plugins/plugin-host.ts";
import type { RealtimeSocket } from "../realtime/socket.ts";

export interface Services {
  api: ApiClient;
  /** Checks WebSocket events against their schemas (the same one the API client uses). */
  wire: WireParser;
  store: Store<AppState>;
  router: Router;
  plugins: PluginHost;
  /** The tab's WebSocket: started and stopped by the app with the session; actions (typing) go out on it. */
  socket: RealtimeSocket;
}

export const ServicesContext = createContext<Services | null>(null);

/** The app's services, inside `<ServicesContext.Provider>`. */
export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices: no ServicesContext.Provider above this component");
  return services;
}
