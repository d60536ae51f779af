/**
 * @module plugins/faults
 * Plugin code that fails where no hook's try/catch is: a timer the plugin set
 * itself, a promise nobody awaited. Node ends the process on an uncaught
 * exception, which would stop the workspace for everyone; the handlers here
 * tell a plugin's error from the host's and keep serving for the plugin's.
 *
 * Attribution: a plugin runs from its extracted bundle,
 * `<dataDir>/plugins/<id>/<checksum>/…`, so an error whose stack has a frame
 * there came from that plugin. (Timers set through `ctx.timers` never get
 * this far: the host runs their callbacks in a try/catch and logs against the
 * plugin.) An uncaught exception with no plugin frame is the host's own bug:
 * logged, and the process exits, as Node would, for the supervisor to restart
 * it. An unhandled rejection is logged and the process goes on either way.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "../log.ts";

/** Where each process extracts plugin bundles: one folder per plugin id. */
export function extractedPluginsDir(dataDir: string): string {
  return path.join(dataDir, "plugins");
}

/** The ways a frame may name a file under `dir`: a path and a file URL, for the folder as given and as resolved. */
function framePrefixes(dir: string): string[] {
  const dirs = new Set([dir]);
  try {
    dirs.add(fs.realpathSync(dir));
  } catch {
    // Not extracted yet: no frame can be in it.
  }
  return [...dirs].flatMap((d) => [d + path.sep, `${pathToFileURL(d).href}/`]);
}

/**
 * The id of the plugin whose bundle holds a frame of the error's stack, or
 * null when none does (the host's own code).
 * @example pluginOfError(error, extractedPluginsDir(config.dataDir)) // "incident"
 */
export function pluginOfError(error: unknown, pluginsDir: string): string | null {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return null;
  const prefixes = framePrefixes(pluginsDir);
  for (const line of stack.split("\n").slice(1)) {
    for (const prefix of prefixes) {
      const at = line.indexOf(prefix);
      if (at < 0) continue;
      const id = line.slice(at + prefix.length).split(/[/\\]/)[0];
      if (id) return decodeURIComponent(id);
    }
  }
  return null;
}

/** The stack of anything thrown, for the log. */
function described(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * Handle the process's uncaught exceptions and unhandled rejections: one
 * from a plugin is logged against it and the server keeps serving; one from
 * the host ends the process after it is logged. Returns a function that
 * removes the handlers.
 * @example const remove = processFaultHandlers({ log, pluginsDir: extractedPluginsDir(config.dataDir) });
 */
export function processFaultHandlers(props: { log: Logger; pluginsDir: string; exit?: (code: number) => void }): () => void {
  const exit = props.exit ?? ((code: number) => process.exit(code));
  const onException = (error: unknown) => {
    const pluginId = pluginOfError(error, props.pluginsDir);
    if (pluginId) {
      props.log.error("plugin code threw outside a hook; the server keeps serving", { plugin_id: pluginId, error: described(error) });
      return;
    }
    props.log.error("uncaught exception in the host; the process exits", { error: described(error) });
    exit(1);
  };
  const onRejection = (reason: unknown) => {
    const pluginId = pluginOfError(reason, props.pluginsDir);
    if (pluginId)
      props.log.error("plugin code left a promise rejection unhandled; the server keeps serving", {
        plugin_id: pluginId,
        error: described(reason),
      });
    else props.log.error("unhandled rejection", { error: described(reason) });
  };
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  return () => {
    process.off("uncaughtException", onException);
    process.off("unhandledRejection", onRejection);
  };
}
