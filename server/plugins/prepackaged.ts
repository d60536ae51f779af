/**
 * @module plugins/prepackaged
 * The bundles shipped with Sitrep (`dist/plugins/*.tar.gz`): installed and
 * enabled on first run, upgraded when a newer version ships, and left alone
 * when an admin uninstalled them.
 */
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../log.ts";
import { compareVersions, readBundle } from "./bundle.ts";
import { errorMessage } from "./lifecycle.ts";
import type { PluginRows } from "./plugin-rows.ts";

/** Install and enable the prepackaged bundles of `dir` not installed yet; upgrade those with a newer version. A broken bundle is logged and skipped. */
export async function installPrepackaged(props: {
  dir: string;
  rows: PluginRows;
  log: Pick<Logger, "info" | "error">;
  /** Tell the other processes that a plugin's row changed. */
  announce(id: string): void;
}): Promise<void> {
  const { dir, rows, log } = props;
  if (!fs.existsSync(dir)) return;
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".tar.gz"))
    .sort()) {
    const full = path.join(dir, file);
    try {
      const bundle = fs.readFileSync(full);
      const { manifest, checksum } = await readBundle(bundle);
      const stored = await rows.summary(manifest.id);
      if (!stored) {
        if (await rows.wasUninstalled(manifest.id)) continue;
        await rows.insert({ manifest, bundle, checksum, enabled: true, ifAbsent: true });
        log.info("prepackaged plugin installed and enabled", { plugin_id: manifest.id, version: manifest.version });
        props.announce(manifest.id);
      } else if (compareVersions(manifest.version, stored.manifest.version) > 0) {
        await rows.replaceBundle({ manifest, bundle, checksum });
        log.info("prepackaged plugin upgraded", { plugin_id: manifest.id, version: manifest.version });
        props.announce(manifest.id);
      }
    } catch (error) {
      log.error("prepackaged plugin bundle skipped", { file: full, error: errorMessage(error) });
    }
  }
}
