/**
 * @module log
 * The server's structured logger: pino (the logger Fastify ships with), one
 * JSON line per entry on stderr, behind the small `log.info(message, fields)`
 * shape the host and the plugins' `ctx.log` use. Fastify logs each request
 * through the same pino instance, tagged with its `request_id`.
 *
 * Secrets never reach the log: pino's redaction replaces tokens, passwords,
 * secrets, cookies and Authorization headers (as fields, one level down, and
 * in logged headers) with `[redacted]`, and a logged request URL hides an
 * incoming webhook's id (the id is the webhook's only credential).
 */
import { LogController, type FastifyBaseLogger } from "fastify";
import pino, { type DestinationStream, type Logger as PinoLogger } from "pino";
import { newId } from "#common/ids.ts";

/** The host's logger. Plugins see only `info`, `warn` and `error` of a child tagged with their id. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger adding `fields` to every entry, e.g. `{plugin_id}`. */
  child(fields: Record<string, unknown>): Logger;
  /** The pino logger underneath, for Fastify's `loggerInstance`. */
  readonly pino: PinoLogger;
}

/** The levels `SITREP_LOG_LEVEL` takes; anything else means `info`. */
const LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
type Level = (typeof LEVELS)[number];
const isLevel = (level: string): level is Level => (LEVELS as readonly string[]).includes(level);

/** Field names whose values are credentials. */
const SECRET_FIELDS = ["token", "password", "secret", "cookie", "authorization", "access_token", "csrf_token"];

/**
 * What pino redacts: each secret field at the top level and one level down
 * (`{user: {password}}`), and the credential headers of a logged request or
 * response.
 */
export const REDACTED_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...["headers", "req.headers", "*.headers"].flatMap((at) =>
    ["authorization", "cookie", '"set-cookie"', "token", '"x-csrf-token"'].map((h) => `${at}.${h}`),
  ),
];

/** A request URL as logged: an incoming webhook's id hidden, and the query's credentials. */
export function redactUrl(url: string): string {
  const [pathPart = "", query] = url.split(/\?(.*)/s, 2);
  const path = pathPart.replace(/^\/hooks\/[^/]+/, "/hooks/[redacted]");
  if (query === undefined) return path;
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) if (SECRET_FIELDS.includes(key.toLowerCase())) params.set(key, "[redacted]");
  return `${path}?${params.toString()}`;
}

/** A request as Fastify's request logs show it. */
function serializeRequest(request: { method: string; url: string; ip?: string }): Record<string, unknown> {
  return { method: request.method, url: redactUrl(request.url), remote_address: request.ip };
}

/** The host's shape over a pino logger. */
function adapt(logger: PinoLogger): Logger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
    child: (fields) => adapt(logger.child(fields)),
    pino: logger,
  };
}

/**
 * A logger writing entries at `level` and above (`debug`, `info`, `warn`,
 * `error`; `silent` writes nothing) to stderr, or to `destination`.
 * @example createLogger("info").child({ plugin_id: "incident" }).warn("slow hook", { ms: 2000 })
 */
export function createLogger(level: string, props: { destination?: DestinationStream } = {}): Logger {
  const logger = pino(
    {
      level: isLevel(level) ? level : "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err, req: serializeRequest },
    },
    props.destination ?? pino.destination({ fd: 2, sync: true }),
  );
  return adapt(logger);
}

/** Fastify's options for request logs: this logger, and a `request_id` on each request's entries. */
export function fastifyLogging(log: Logger): { loggerInstance: FastifyBaseLogger; genReqId: () => string; logController: LogController } {
  return { loggerInstance: log.pino, genReqId: () => newId(), logController: new LogController({ requestIdLogLabel: "request_id" }) };
}
