/**
 * @module http/internal-address
 * Which addresses are internal, and which of them an admin has let outbound
 * requests reach (DESIGN section 3, Mattermost's
 * `ServiceSettings.AllowedUntrustedInternalConnections`). Internal: loopback,
 * private (RFC 1918), CGNAT, link-local, unique-local, unspecified,
 * multicast, broadcast and the other special-purpose ranges, and IPv4 written
 * inside IPv6 (IPv4-mapped, IPv4-compatible, NAT64) when the IPv4 is one of
 * those. Ranges are held in `net.BlockList`.
 */
import net from "node:net";

const INTERNAL_V4 = [
  "0.0.0.0/8", // "this network", the unspecified address
  "10.0.0.0/8", // private
  "100.64.0.0/10", // CGNAT
  "127.0.0.0/8", // loopback
  "169.254.0.0/16", // link-local (cloud metadata lives here)
  "172.16.0.0/12", // private
  "192.0.0.0/24", // IETF protocol assignments
  "192.0.2.0/24", // TEST-NET-1
  "192.88.99.0/24", // 6to4 relay
  "192.168.0.0/16", // private
  "198.18.0.0/15", // benchmarking
  "198.51.100.0/24", // TEST-NET-2
  "203.0.113.0/24", // TEST-NET-3
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, and the broadcast address
];
const INTERNAL_V6 = [
  "::/128", // unspecified
  "::1/128", // loopback
  "100::/64", // discard
  "2001:db8::/32", // documentation
  "fc00::/7", // unique-local
  "fe80::/10", // link-local
  "fec0::/10", // site-local (deprecated)
  "ff00::/8", // multicast
];

function blockListOf(v4: string[], v6: string[]): net.BlockList {
  const list = new net.BlockList();
  for (const range of v4) addRange(list, range, "ipv4");
  for (const range of v6) addRange(list, range, "ipv6");
  return list;
}

function addRange(list: net.BlockList, range: string, family: "ipv4" | "ipv6"): void {
  const [address = "", prefix = ""] = range.split("/");
  list.addSubnet(address, Number(prefix), family);
}

const internal = blockListOf(INTERNAL_V4, INTERNAL_V6);

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  if (net.isIPv6(address) === false) return null;
  let text = address.toLowerCase().replace(/%.*$/, "");
  // A dotted IPv4 tail becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const bytes = dotted[1].split(".").map(Number);
    const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = bytes;
    text = text.slice(0, -dotted[1].length) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part ? part.split(":").map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = 8 - left.length - right.length;
  return [...left, ...Array<number>(Math.max(0, fill)).fill(0), ...right];
}

/**
 * The IPv4 address an IPv6 one carries (`::ffff:a.b.c.d`, `::a.b.c.d`,
 * `64:ff9b::a.b.c.d`), or null. `::` and `::1` carry none.
 */
export function embeddedIpv4(address: string): string | null {
  const g = ipv6Groups(address);
  if (!g) return null;
  const v4 = () => {
    const hi = g[6] ?? 0;
    const lo = g[7] ?? 0;
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  };
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4();
  if (zeros(0, 6) && ((g[6] ?? 0) !== 0 || (g[7] ?? 0) > 1)) return v4();
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4();
  return null;
}

/** The address as the rule sees it: IPv4 when an IPv6 address only carries one. */
function normalized(address: string): { address: string; family: "ipv4" | "ipv6" } {
  const v4 = embeddedIpv4(address);
  if (v4) return { address: v4, family: "ipv4" };
  return { address: address.replace(/%.*$/, ""), family: net.isIPv4(address) ? "ipv4" : "ipv6" };
}

/** True for an IP address outbound requests may not reach unless listed. Anything that is not an IP is internal. */
export function isInternalAddress(address: string): boolean {
  if (!net.isIP(address)) return true;
  const n = normalized(address);
  return internal.check(n.address, n.family);
}

/** One entry of `AllowedUntrustedInternalConnections`. */
type AllowedEntry = { kind: "range"; list: net.BlockList; text: string } | { kind: "host"; host: string; port?: string; text: string };

/** A parsed `AllowedUntrustedInternalConnections` value. */
export interface AllowedConnections {
  /** The entries as written. */
  readonly entries: readonly string[];
  /** True when connecting to `ip` for `hostname` (as the URL names it) on `port` is allowed although `ip` is internal. */
  allows(props: { hostname: string; ip: string; port: string }): boolean;
}

const HOST_RE = /^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/** Parse one entry, or say why it is not one. */
function parseEntry(raw: string): AllowedEntry | string {
  const text = raw.trim().toLowerCase();
  const slash = text.indexOf("/");
  if (slash >= 0) {
    const address = text.slice(0, slash);
    const prefixText = text.slice(slash + 1);
    const family = net.isIPv4(address) ? "ipv4" : net.isIPv6(address) ? "ipv6" : null;
    const prefix = Number(prefixText);
    if (!family || !/^\d+$/.test(prefixText) || prefix > (family === "ipv4" ? 32 : 128))
      return `"${raw}" is not a CIDR range (e.g. 10.0.0.0/8)`;
    const list = new net.BlockList();
    list.addSubnet(address, prefix, family);
    return { kind: "range", list, text };
  }
  let host = text;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed?.[1]) {
    host = bracketed[1];
    port = bracketed[2];
  } else if (!net.isIPv6(text)) {
    const colon = text.lastIndexOf(":");
    if (colon >= 0) {
      host = text.slice(0, colon);
      port = text.slice(colon + 1);
    }
  }
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    return `"${raw}" has no valid port (1 to 65535)`;
  if (!net.isIP(host) && !HOST_RE.test(host)) return `"${raw}" is not a host, host:port or CIDR range`;
  return port === undefined ? { kind: "host", host, text } : { kind: "host", host, port, text };
}

/**
 * Parse a space-separated (commas also separate) list of hosts, `host:port`
 * and CIDR ranges. `problems` names each entry that is none of those.
 * @example parseAllowedConnections("127.0.0.1:9000 10.0.0.0/8 hooks.internal")
 */
export function parseAllowedConnections(value: string): { allowed: AllowedConnections; problems: string[] } {
  const entries: AllowedEntry[] = [];
  const problems: string[] = [];
  for (const raw of value.split(/[\s,]+/).filter(Boolean)) {
    const entry = parseEntry(raw);
    if (typeof entry === "string") problems.push(entry);
    else entries.push(entry);
  }
  return { allowed: allowedOf(entries), problems };
}

function allowedOf(entries: AllowedEntry[]): AllowedConnections {
  return {
    entries: entries.map((e) => e.text),
    allows({ hostname, ip, port }) {
      const name = hostname.toLowerCase().replace(/^\[|\]$/g, "");
      const n = normalized(ip);
      return entries.some((entry) => {
        if (entry.kind === "range")
          return net.isIP(ip) !== 0 && (entry.list.check(n.address, n.family) || (n.address !== ip && entry.list.check(ip, "ipv6")));
        if (entry.port !== undefined && entry.port !== port) return false;
        if (entry.host.startsWith("*.")) return name.endsWith(entry.host.slice(1));
        return entry.host === name || entry.host === ip || entry.host === n.address;
      });
    },
  };
}

/** Both lists at once: allowed when either allows. */
export function mergeAllowed(...lists: AllowedConnections[]): AllowedConnections {
  return {
    entries: lists.flatMap((l) => l.entries),
    allows: (props) => lists.some((l) => l.allows(props)),
  };
}

/**
 * A legacy `http_allowlist` pattern of the Workflow plugin as an entry of
 * `AllowedUntrustedInternalConnections`: `*` (anywhere) becomes every
 * address; host, `*.domain` and `host:port` are the same; anything else is dropped.
 */
export function legacyAllowlistEntries(patterns: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.trim().toLowerCase();
    if (!pattern) continue;
    if (pattern === "*") out.push("0.0.0.0/0", "::/0");
    else if (typeof parseEntry(pattern) !== "string") out.push(pattern);
  }
  return [...new Set(out)];
}
