/**
 * @module api/client
 * The web app's HTTP client for the Mattermost v4 subset: JSON in and out,
 * the session cookie, and the `X-CSRF-Token` header on every write.
 */
import type { ApiErrorBody } from "../../../common/wire.ts";

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
  const match = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : "";
}

export interface RequestOptions {
  method?: string;
  /** JSON-encoded unless it is FormData. */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
}

/** Calls the server. One instance per app; tests can make their own. */
export class ApiClient {
  /**
   * @param props.onUnauthorized called when a request answers 401 (the
   * session expired or was ended elsewhere), except for the login itself.
   */
  constructor(private readonly props: { baseUrl?: string; onUnauthorized?: () => void } = {}) {}

  /**
   * A JSON request. Rejects with an {@link ApiError} on any 4xx/5xx.
   * @example const me = await api.request<User>("/api/v4/users/me");
   */
  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
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
      response = await fetch(url, { method, headers, body, credentials: "same-origin" });
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
      const error = isErrorBody(parsed) ? parsed : { id: "web.http", message: `The server answered ${response.status}.`, status_code: response.status };
      throw new ApiError(error);
    }
    return parsed as T;
  }

  get<T>(path: string, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>(path, { query });
  }
  post<T>(path: string, body: unknown = {}, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>(path, { method: "POST", body, query });
  }
  put<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>(path, { method: "PUT", body });
  }
  delete<T>(path: string, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>(path, { method: "DELETE", query });
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string";
}

/** The message to show for anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
