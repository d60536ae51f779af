/**
 * @module testing/log-capture
 * The log of an in-process test server, read back: pass `destination` as the
 * config's `logDestination` (with a `logLevel` that writes what the test
 * expects), then look for the entries.
 */
import { z } from "zod";

/** One log entry: pino's JSON line, parsed. */
export type LogEntry = Record<string, unknown> & { level: string; msg: string };

const entrySchema = z.looseObject({ level: z.string(), msg: z.string() });

/** Entries written to it, parsed. */
export interface LogCapture {
  destination: { write(line: string): void };
  entries: LogEntry[];
  /** Entries whose message includes `text`. */
  find(text: string): LogEntry[];
}

/**
 * A log destination that keeps every entry.
 * @example const log = captureLog(); const server = await startTestServer({ logLevel: "warn", logDestination: log.destination });
 */
export function captureLog(): LogCapture {
  const entries: LogEntry[] = [];
  return {
    destination: {
      write(line: string) {
        const parsed = entrySchema.safeParse(JSON.parse(line));
        if (parsed.success) entries.push(parsed.data);
      },
    },
    entries,
    find: (text) => entries.filter((e) => e.msg.includes(text)),
  };
}
