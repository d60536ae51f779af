/**
 * @module store/test-app
 * The web app's services as one signed-in browser has them, for the store
 * tests against a real in-process server: the app's own ApiClient and Store,
 * signed in with a token instead of the browser's cookie.
 */
import { ApiClient } from "../api/client.ts";
import { initialState, type AppState } from "./state.ts";
import { Store } from "./store.ts";

/**
 * The services of a browser signed in as `client` on the server at `baseUrl`;
 * `requests` lists the paths it asked for.
 * @example const app = testApp(server.url, alice); await latestPostsLoader(app, channel.id);
 */
export function testApp(baseUrl: string, client: { token?: string }) {
  const requests: string[] = [];
  const api = new ApiClient({
    baseUrl,
    fetch: (input, init) => {
      requests.push(new URL(String(input)).pathname);
      return fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${client.token ?? ""}` },
      });
    },
  });
  return { api, store: new Store<AppState>(initialState), requests };
}
