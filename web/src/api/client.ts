/**
 * @module api/client
 * The web app's HTTP client for the Mattermost v4 subset: JSON in and out,
 * the session cookie, and the `X-CSRF-Token` header on every write. Every
 * answer the app reads is parsed with its schema from `common/wire-schemas.ts`.
 */
import type * as z from "zod/mini";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import type { ApiErrorBody } from "#common/wire.ts";
import { xhrSender, type ProgressListener, type RawAnswer } from "./upload.ts";
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
  /** Cancels the request (it rejects with an `AbortError`). */
  signal?: AbortSignal;
}

type Query = RequestOptions["query"];

/** The failure of a request that got no answer at all. */
function networkError(): ApiError {
  return new ApiError({ id: "web.network", message: "Cannot reach the server; check your connection.", status_code: 0 });
}

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
    const { url, headers, body } = this.prepared(path, method, options);
    let response: Response;
    try {
      response = await (this.props.fetch ?? fetch)(url, { method, headers, body, credentials: "same-origin", signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw networkError();
    }
    return this.answerOf(path, { status: response.status, text: await response.text() });
  }

  /**
   * `POST path` with a multipart body, its answer parsed with `schema`,
   * telling `onProgress` how much of the body has been sent. In the browser
   * it goes through `XMLHttpRequest` (the transport that reports upload
   * progress); with a `fetch` of its own (the store tests) through that, with
   * one progress report at the end. `signal` cancels it (rejects with an
   * `AbortError`).
   */
  async upload<T>(
    path: string,
    form: FormData,
    schema: z.ZodMiniType<T>,
    options: { onProgress?: ProgressListener; signal?: AbortSignal } = {},
  ): Promise<T> {
    if (this.props.fetch || typeof XMLHttpRequest === "undefined") {
      const answer = await this.read(schema, path, { method: "POST", body: form, signal: options.signal });
      options.onProgress?.({ loaded: 1, total: 1 });
      return answer;
    }
    const { url, headers } = this.prepared(path, "POST", {});
    let raw: RawAnswer;
    try {
      raw = await xhrSender({ method: "POST", url, headers, body: form, onProgress: options.onProgress, signal: options.signal });
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw networkError();
    }
    return this.wire.parse(schema, this.answerOf(path, raw), `POST ${routeOf(path)}`);
  }

  /** The URL, headers and encoded body of a request. */
  private prepared(
    path: string,
    method: string,
    options: RequestOptions,
  ): { url: string; headers: Record<string, string>; body?: BodyInit } {
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
    return { url, headers, body };
  }

  /** The parsed body of an answer (JSON, or the text when it is not JSON); an {@link ApiError} for a 4xx/5xx. */
  private answerOf(path: string, answer: RawAnswer): unknown {
    let parsed: unknown = undefined;
    if (answer.text) {
      try {
        parsed = JSON.parse(answer.text);
      } catch {
        parsed = answer.text;
      }
    }
    if (answer.status < 200 || answer.status > 299) {
      if (answer.status === 401 && !path.startsWith("/api/v4/users/login")) this.props.onUnauthorized?.();
      // Not every failure is the API's own (a proxy's 502 page): fall back to the status.
      const body = apiErrorBodySchema.safeParse(parsed);
      throw new ApiError(
        body.success ? body.data : { id: "web.http", message: `The server answered ${answer.status}.`, status_code: answer.status },
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
