/**
 * @module automation/http-allowlist
 * Which targets the `http_request` action may call: the Workflow plugin's
 * `http_allowlist` setting, a list of host patterns. Empty (the default) allows
 * nothing, so a workflow cannot reach internal services until an admin says so.
 *
 * Patterns: `hooks.example.com` (that host, any port), `*.example.com`
 * (its subdomains), `127.0.0.1:9000` (that host and port), `*` (anywhere).
 *
 * The call itself goes through the host's outbound service (`host.outbound`),
 * whose internal-address rule applies on top; what this list names counts as
 * listed there too (see `http_request`), and a host migration copied its
 * entries into `ServiceSettings.AllowedUntrustedInternalConnections`.
 */
import type { Host } from "../host.ts";
import { parseAllowedConnections } from "../http/internal-address.ts";

/** The plugin whose settings hold the allow-list. */
export const ALLOWLIST_PLUGIN_ID = "workflow";
/** The setting's key. */
export const ALLOWLIST_SETTING = "http_allowlist";

/**
 * True when `url`'s host (and port) meets one of the patterns. Host patterns
 * match as the host entries of `AllowedUntrustedInternalConnections` do (one
 * matcher for both); `*` matches anything.
 */
export function isAllowedTarget(url: URL, patterns: string[]): boolean {
  const hostname = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return patterns.some((raw) => {
    const pattern = raw.trim();
    if (pattern === "*") return true;
    // Legacy patterns name hosts; a CIDR range was never one of them.
    if (!pattern || pattern.includes("/")) return false;
    return parseAllowedConnections(pattern).allowed.allows({ hostname, ip: hostname, port });
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
