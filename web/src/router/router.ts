/**
 * @module router/router
 * Client-side navigation over the History API, and the app's routes
 * (Mattermost's web addresses: `/login`, `/{team}/channels/{channel}`, ...).
 */
import { useSyncExternalStore } from "react";

/** The current path and query. */
export interface RouteLocation {
  pathname: string;
  search: string;
}

/** Wraps `window.history`; one per app. */
export class Router {
  private location: RouteLocation = { pathname: window.location.pathname, search: window.location.search };
  private readonly listeners = new Set<() => void>();

  constructor() {
    window.addEventListener("popstate", () => this.sync());
  }

  get = (): RouteLocation => this.location;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Go to an in-app path; `replace` keeps the history length. */
  navigate(path: string, options: { replace?: boolean } = {}): void {
    const current = window.location.pathname + window.location.search;
    if (path !== current) {
      if (options.replace) window.history.replaceState(null, "", path);
      else window.history.pushState(null, "", path);
    }
    this.sync();
  }

  private sync(): void {
    const next = { pathname: window.location.pathname, search: window.location.search };
    if (next.pathname === this.location.pathname && next.search === this.location.search) return;
    this.location = next;
    for (const listener of [...this.listeners]) listener();
  }
}

/** The current location; re-renders on navigation. */
export function useRoute(router: Router): RouteLocation {
  return useSyncExternalStore(router.subscribe, router.get);
}

/** What a path shows. */
export type Route =
  | { page: "login" }
  | { page: "signup" }
  | { page: "root" }
  | { page: "select_team" }
  /** A plugin's System Console page: `pageId` "" for its main one. */
  | { page: "admin"; section: string; pluginId?: string; pageId?: string }
  | { page: "team"; team: string }
  | { page: "channel"; team: string; channel: string }
  | { page: "permalink"; team: string; postId: string }
  /** A plugin's page: `/{team}/{path}/{...subpath}`. */
  | { page: "plugin_page"; team: string; path: string; subpath: string[] }
  | { page: "messages"; team: string; username: string }
  | { page: "not_found" };

/** Match a path to a route. */
export function matchRoute(pathname: string): Route {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (first === undefined) return { page: "root" };
  if (first === "login" && parts.length === 1) return { page: "login" };
  if (first === "signup" && parts.length <= 2) return { page: "signup" };
  if (first === "select_team" || first === "create_team") return { page: "select_team" };
  if (first === "admin_console") {
    if (second === "plugins" && third && parts.length <= 4)
      return { page: "admin", section: "plugin", pluginId: third, pageId: fourth ?? "" };
    return { page: "admin", section: second ?? "plugins" };
  }
  if (parts.length === 1) return { page: "team", team: first };
  if (second === "channels" && third && parts.length === 3) return { page: "channel", team: first, channel: third };
  if (second === "pl" && third && parts.length === 3) return { page: "permalink", team: first, postId: third };
  if (second === "messages" && third?.startsWith("@") && parts.length === 3)
    return { page: "messages", team: first, username: third.slice(1) };
  if (second && second !== "channels" && second !== "pl")
    return { page: "plugin_page", team: first, path: second, subpath: parts.slice(2) };
  return { page: "not_found" };
}

/** Paths of the app's pages. */
export const paths = {
  channel: (team: string, channel: string) => `/${encodeURIComponent(team)}/channels/${encodeURIComponent(channel)}`,
  permalink: (team: string, postId: string) => `/${encodeURIComponent(team)}/pl/${encodeURIComponent(postId)}`,
  login: (redirectTo?: string) => (redirectTo && redirectTo !== "/" ? `/login?redirect_to=${encodeURIComponent(redirectTo)}` : "/login"),
  admin: (section = "plugins") => `/admin_console/${section}`,
  pluginPage: (team: string, path: string, ...subpath: string[]) =>
    [team, path, ...subpath].map((part) => `/${encodeURIComponent(part)}`).join(""),
};

/** Control characters (browsers drop tabs and newlines from URLs: `/\t/evil.example` is `//evil.example`) and backslashes (read as `/`). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_IN_REDIRECT = /[\u0000-\u001f\u007f-\u009f\\]/;

/**
 * Only same-origin paths are followed after login, so `redirect_to` cannot
 * send a user to another site: a value that is not a path, holds a control
 * character or a backslash, or resolves to another origin is `/`.
 * @example safeRedirect("/team/channels/x", location.origin) // "/team/channels/x"; safeRedirect("/\t/evil.example", location.origin) // "/"
 */
export function safeRedirect(value: string | null, origin: string): string {
  if (!value || !value.startsWith("/") || UNSAFE_IN_REDIRECT.test(value)) return "/";
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return "/";
  }
  return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : "/";
}
