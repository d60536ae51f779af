/**
 * @module api/client
 * The web app's HTTP client for the Mattermost v4 subset: JSON in and out,
 * the session cookie, and the `X-CSRF-Token` header on every write. Every
 * answer the app reads is parsed with its schema from `common/wire-schemas.ts`.
 */
import type * as z from "zod/mini";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { ApiErrorBody } from "#common/wire.ts";
import { WireParser } from "./wire-parser.ts";

/** A failed request: the server's `{id, message, status_code}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly id: string;
  readonly details?: unknown;
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.status = body.status_code;
    this.id = body.id;
    this.details = body.details;
  }
}

/** The value of a cookie readable by scripts (MMCSRF is; MMAUTHTOKEN is not). */
export function readCookie(name: string): string {
  if (typeof document === "undefined") return ""; // outside a browser (the store tests): no cookies
  const match = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : "";
}

export interface RequestOptions {
  method?: string;
  /** JSON-encoded unless it is FormData. */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
}

type Query = RequestOptions["query"];

/** `/api/v4/channels/{id}/posts` for `/api/v4/channels/8x…/posts`: one name per route in messages. */
function routeOf(path: string): string {
  return path.replace(/\b[a-z0-9]{26}\b/g, "{id}");
}

/** Calls the server. One instance per app; tests can make their own. */
export class ApiClient {
  private readonly wire: WireParser;

  /**
   * @param props.onUnauthorized called when a request answers 401 (the
   * session expired or was ended elsewhere), except for the login itself.
   * @param props.wire checks answers against their schemas (a quiet one by default).
   * @param props.fetch the transport (the browser's `fetch` by default; the store tests pass one that signs in with a token).
   */
  constructor(private readonly props: { baseUrl?: string; onUnauthorized?: () => void; wire?: WireParser; fetch?: typeof fetch } = {}) {
    this.wire = props.wire ?? new WireParser();
  }

  /**
   * A JSON request whose answer is returned unchecked (`unknown`): parse it
   * before use, or call {@link get}/{@link post} with a schema. Rejects with an
   * {@link ApiError} on any 4xx/5xx.
   */
  async request(path: string, options: RequestOptions = {}): Promise<unknown> {
    const method = (options.method ?? "GET").toUpperCase();
    const headers: Record<string, string> = { "X-Requested-With": "XMLHttpRequest" };
    if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = readCookie("MMCSRF");
    let body: BodyInit | undefined;
    if (options.body instanceof FormData) body = options.body;
    else if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    let url = (this.props.baseUrl ?? "") + path;
    if (options.query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(options.query)) if (value !== undefined) params.set(key, String(value));
      const text = params.toString();
      if (text) url += (url.includes("?") ? "&" : "?") + text;
    }
    let response: Response;
    try {
      response = await (this.props.fetch ?? fetch)(url, { method, headers, body, credentials: "same-origin" });
    } catch {
      throw new ApiError({ id: "web.network", message: "Cannot reach the server; check your connection.", status_code: 0 });
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) {
      if (response.status === 401 && !path.startsWith("/api/v4/users/login")) this.props.onUnauthorized?.();
      // Not every failure is the API's own (a proxy's 502 page): fall back to the status.
      const body = apiErrorBodySchema.safeParse(parsed);
      throw new ApiError(
        body.success ? body.data : { id: "web.http", message: `The server answered ${response.status}.`, status_code: response.status },
      );
    }
    return parsed;
  }

  /**
   * A request whose answer is parsed with `schema`; rejects with a
   * `WireFormatError` (reported once) when it does not match.
   * @example const me = await api.read(userSchema, "/api/v4/users/me");
   */
  async read<T>(schema: z.ZodMiniType<T>, path: string, options: RequestOptions = {}): Promise<T> {
    const answer = await this.request(path, options);
    return this.wire.parse(schema, answer, `${(options.method ?? "GET").toUpperCase()} ${routeOf(path)}`);
  }

  /** `GET path`, parsed with `schema`. */
  get<T>(path: string, schema: z.ZodMiniType<T>, query?: Query): Promise<T> {
    return this.read(schema, path, { query });
  }

  /** `POST path`: with a schema, the answer parsed with it; without one, the answer is not read. */
  post(path: string, body?: unknown): Promise<void>;
  post<T>(path: string, body: unknown, schema: z.ZodMiniType<T>): Promise<T>;
  async post<T>(path: string, body: unknown = {}, schema?: z.ZodMiniType<T>): Promise<T | void> {
    if (schema) return this.read(schema, path, { method: "POST", body });
    await this.request(path, { method: "POST", body });
  }

  /** `PUT path`; the answer is not read. */
  async put(path: string, body: unknown = {}): Promise<void> {
    await this.request(path, { method: "PUT", body });
  }

  /** `DELETE path`; the answer is not read. */
  async delete(path: string, query?: Query): Promise<void> {
    await this.request(path, { method: "DELETE", query });
  }
}

/** The message to show for anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
