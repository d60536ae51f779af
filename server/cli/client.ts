/**
 * @module cli/client
 * The CLI's HTTP client: JSON requests with a bearer token, errors made readable.
 */
import { CliFailure } from "#common/plugin-cli-api.ts";

/** The host's {@link CliFailure}: printed as `error: <message>` before exiting 1; from a server, with its `details`. */
export class CliError extends CliFailure {}

export class ApiClient {
  constructor(private readonly props: { url: string; token?: string }) {}

  /** Send a request; a non-2xx answer becomes a {@link CliError} with the server's message. */
  async request<T = unknown>(method: string, path: string, body?: unknown, init: { form?: FormData } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.props.token) headers.authorization = `Bearer ${this.props.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(new URL(path, this.props.url), {
        method,
        headers,
        body: init.form ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
    } catch (error) {
      throw new CliError(`cannot reach ${this.props.url}: ${(error as Error).cause ?? (error as Error).message}`);
    }
    const text = await response.text();
    const data = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const message = data && typeof data === "object" && "message" in data ? String((data as { message: unknown }).message) : text;
      const details = data && typeof data === "object" && "details" in data ? (data as { details: unknown }).details : undefined;
      throw new CliError(`${response.status}: ${message}`, details);
    }
    return data as T;
  }
}
