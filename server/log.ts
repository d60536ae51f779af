/**
 * @module log
 * A small structured logger: one JSON line per entry on stderr.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof LEVELS;

/** A logger writing entries at `level` and above. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  const threshold = LEVELS[(level in LEVELS ? level : "info") as Level];
  const write = (lvl: Exclude<Level, "silent">, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] < threshold) return;
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: message, ...base, ...fields }) + "\n");
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }),
  };
}
