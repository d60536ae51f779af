/**
 * @module automation/http-allowlist
 * Which targets the `http_request` action may call: the Workflow plugin's
 * `http_allowlist` setting, a list of host patterns. Empty (the default) allows
 * nothing, so a workflow cannot reach internal services until an admin says so.
 *
 * Patterns: `hooks.example.com` (that host, any port), `*.example.com`
 * (its subdomains), `127.0.0.1:9000` (that host and port), `*` (anywhere).
 */
import type { Host } from "../host.ts";

/** The plugin whose settings hold the allow-list. */
export const ALLOWLIST_PLUGIN_ID = "workflow";
/** The setting's key. */
export const ALLOWLIST_SETTING = "http_allowlist";

/** True when `url`'s host (and port) meets one of the patterns. */
export function isAllowedTarget(url: URL, patterns: string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase();
    if (!pattern) return false;
    if (pattern === "*") return true;
    const colon = pattern.lastIndexOf(":");
    const hasPort = colon > 0 && !pattern.endsWith("]") && /^\d+$/.test(pattern.slice(colon + 1));
    const patternHost = hasPort ? pattern.slice(0, colon) : pattern;
    if (hasPort && pattern.slice(colon + 1) !== port) return false;
    if (patternHost.startsWith("*.")) return host.endsWith(patternHost.slice(1)) && host.length > patternHost.length - 1;
    return host === patternHost;
  });
}

/** The allow-list as the Workflow plugin's settings hold it now (empty when the plugin is not installed). */
export async function readAllowlist(host: Host): Promise<string[]> {
  let value: unknown;
  try {
    value = (await host.plugins.settings(ALLOWLIST_PLUGIN_ID))[ALLOWLIST_SETTING];
  } catch {
    return [];
  }
  if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
