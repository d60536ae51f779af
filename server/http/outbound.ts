/**
 * @module http/outbound
 * The one outbound HTTP service of the host and every plugin (`ctx.http.fetch`,
 * the `http_request` action): public addresses are reachable; internal ones
 * (see `internal-address.ts`) only when listed in
 * `ServiceSettings.AllowedUntrustedInternalConnections`, from the environment
 * (`SITREP_ALLOWED_INTERNAL_CONNECTIONS`) and the stored configuration.
 *
 * The rule is checked on the resolved IP of every connection: requests go
 * through `node:http`/`node:https` with a `lookup` that refuses internal
 * answers, so a name that resolves to a public address at check time and to
 * 127.0.0.1 at connect time (DNS rebinding) gains nothing. Redirects are
 * followed by hand, each hop through the same check. `fetch` (undici) takes no
 * per-request lookup without a dispatcher per call, hence node:http.
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { LookupFunction } from "node:net";
import type { OutboundRequestInit, OutboundResponse } from "#plugin-api";
import { AppError } from "../errors.ts";
import type { AllowedConnectionsSetting } from "./connections-setting.ts";
import { isInternalAddress, type AllowedConnections } from "./internal-address.ts";

/** Default timeout of one fetch, redirects and body included. */
export const FETCH_TIMEOUT_MS = 10_000;
/** Default largest body read. */
export const FETCH_MAX_BYTES = 1024 * 1024;
/** Default most redirects followed. */
export const FETCH_MAX_REDIRECTS = 5;

/** The setting that lists internal addresses outbound requests may reach. */
export const ALLOWED_SETTING = "ServiceSettings.AllowedUntrustedInternalConnections";

const fetchError = (kind: "refused" | "timeout" | "too_large" | "failed", message: string) =>
  new AppError({ status: kind === "refused" ? 403 : 424, id: `http.fetch.${kind}`, message });

/** An answer as the host's own calls get it: also the body's bytes (the image proxy passes them on). */
export interface HostResponse extends OutboundResponse {
  bytes: Buffer;
}

/** Options of the host's own calls: the plugin-facing ones, and further entries allowed for this call only. */
export interface HostRequestInit extends OutboundRequestInit {
  /** Also allowed for this call (the `http_request` action's legacy `http_allowlist`). */
  alsoAllowed?: AllowedConnections;
}

/**
 * Fetch a URL under the internal-address rule.
 * @example const res = await outboundFetch({ url, init: { method: "POST", body }, allowed: await setting.allowed() })
 */
export async function outboundFetch(props: { url: string; init?: HostRequestInit; allowed: AllowedConnections }): Promise<HostResponse> {
  const init = props.init ?? {};
  const timeoutMs = init.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = init.maxBytes ?? FETCH_MAX_BYTES;
  const maxRedirects = init.maxRedirects ?? FETCH_MAX_REDIRECTS;
  const allows = (p: { hostname: string; ip: string; port: string }) =>
    !isInternalAddress(p.ip) || props.allowed.allows(p) || Boolean(init.alsoAllowed?.allows(p));

  let url = parseUrl(props.url);
  let method = (init.method ?? "GET").toUpperCase();
  let body = init.body;
  const headers = { ...(init.headers ?? {}) };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      const answer = await requestOnce({ url, method, headers, body, maxBytes, allows, signal: abort.signal, timeoutMs });
      const location = answer.headers.location;
      if (!isRedirect(answer.status) || !location || maxRedirects === 0) return { ...answer, url: url.href };
      if (hop >= maxRedirects) throw fetchError("failed", `http.fetch: ${url.host} redirected more than ${maxRedirects} times`);
      url = parseUrl(new URL(location, url).href);
      if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === "POST")) {
        method = method === "HEAD" ? "HEAD" : "GET";
        body = undefined;
        for (const name of Object.keys(headers)) if (/^content-(type|length)$/i.test(name)) delete headers[name];
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fetchError("failed", `http.fetch: "${text}" is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw fetchError("refused", `http.fetch: ${url.protocol} URLs are not fetched; use http or https`);
  return url;
}

function refusal(props: { hostname: string; ip: string; port: string }) {
  const named = props.hostname === props.ip ? props.ip : `${props.hostname} (${props.ip})`;
  return fetchError(
    "refused",
    `http.fetch: ${named} port ${props.port} is an internal address; list it in ${ALLOWED_SETTING} (SITREP_ALLOWED_INTERNAL_CONNECTIONS) to allow it`,
  );
}

function requestOnce(props: {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  maxBytes: number;
  timeoutMs: number;
  signal: AbortSignal;
  allows(p: { hostname: string; ip: string; port: string }): boolean;
}): Promise<Omit<HostResponse, "url">> {
  const { url } = props;
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  let refused: AppError | undefined;
  // An IP literal is connected to without a lookup: check it here.
  if (net.isIP(hostname) && !props.allows({ hostname, ip: hostname, port }))
    return Promise.reject(refusal({ hostname, ip: hostname, port }));
  const lookup: LookupFunction = (name, options, callback) => {
    dns.lookup(name, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 4);
      const permitted = addresses.filter((a) => props.allows({ hostname, ip: a.address, port }));
      const first = permitted[0];
      if (!first) {
        refused = refusal({ hostname, ip: addresses[0]?.address ?? "no address", port });
        return callback(refused, "", 4);
      }
      if (options.all) callback(null, permitted);
      else callback(null, first.address, first.family);
    });
  };
  const body = props.body === undefined ? undefined : typeof props.body === "string" ? Buffer.from(props.body) : Buffer.from(props.body);
  const headers: Record<string, string> = { ...props.headers };
  if (body && !Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) headers["content-length"] = String(body.length);
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    if (props.signal.aborted) return reject(timedOut());
    function timedOut() {
      return fetchError("timeout", `http.fetch: ${url.host} did not answer within ${props.timeoutMs} ms`);
    }
    let settled = false;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(error);
    };
    const onAbort = () => fail(timedOut());
    props.signal.addEventListener("abort", onAbort, { once: true });
    const req = transport.request(url, { method: props.method, headers, lookup, agent: false }, (res) => {
      const declared = Number(res.headers["content-length"] ?? NaN);
      const tooLarge = () => fetchError("too_large", `http.fetch: the answer from ${url.host} is larger than ${props.maxBytes} bytes`);
      if (declared > props.maxBytes) return fail(tooLarge());
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > props.maxBytes) fail(tooLarge());
        else chunks.push(chunk);
      });
      res.on("error", (error) => fail(fetchError("failed", `http.fetch: ${props.method} ${url.href} failed: ${error.message}`)));
      res.on("end", () => {
        if (settled) return;
        settled = true;
        props.signal.removeEventListener("abort", onAbort);
        const answerHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers))
          if (value !== undefined) answerHeaders[name] = Array.isArray(value) ? value.join(", ") : value;
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: answerHeaders, text: bytes.toString("utf8"), bytes });
      });
    });
    req.on("error", (error) => {
      props.signal.removeEventListener("abort", onAbort);
      fail(refused ?? fetchError("failed", `http.fetch: ${props.method} ${url.href} failed: ${error.message}`));
    });
    req.end(body);
  });
}

/**
 * The host's outbound HTTP: {@link outboundFetch} under the current
 * `AllowedUntrustedInternalConnections` (`host.outbound`).
 */
export class OutboundHttp {
  constructor(readonly setting: AllowedConnectionsSetting) {}

  /** Fetch as the host (`alsoAllowed` may add entries for this call). */
  async fetch(url: string, init?: HostRequestInit): Promise<HostResponse> {
    return outboundFetch({ url, init, allowed: await this.setting.allowed() });
  }

  /** Fetch for a plugin: only the plugin-facing options are taken. */
  async fetchForPlugin(url: string, init: OutboundRequestInit = {}): Promise<OutboundResponse> {
    const { method, headers, body, timeoutMs, maxBytes, maxRedirects } = init;
    const answer = await this.fetch(url, { method, headers, body, timeoutMs, maxBytes, maxRedirects });
    return { status: answer.status, headers: answer.headers, url: answer.url, text: answer.text };
  }
}
