/**
 * @module plugins/manager
 * The plugin runtime: install, enable, disable, uninstall bundles at runtime.
 * (Being built: see issue #2, part 6.)
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { PluginManifest } from "../../common/plugin-api.ts";
import { notFound } from "../errors.ts";
import type { Host } from "../host.ts";

/** A plugin as `GET /api/v4/plugins` lists it. */
export interface PluginStatus {
  id: string;
  name: string;
  version: string;
  description: string;
  active: boolean;
}

/** What the web app needs to load a plugin's web code. */
export interface WebappPlugin {
  id: string;
  version: string;
  /** URL of the ES module exporting `register(registry)`. */
  bundle_path: string;
}

export class PluginManager {
  constructor(private readonly host: Host) {}

  /** Install prepackaged bundles on first run, then activate enabled plugins. */
  async start(): Promise<void> {}

  /** Deactivate every plugin. */
  async stop(): Promise<void> {}

  async list(): Promise<{ active: PluginStatus[]; inactive: PluginStatus[] }> {
    return { active: [], inactive: [] };
  }

  async install(_props: { bundle: Buffer; force?: boolean }): Promise<PluginManifest> {
    throw notFound("plugin", "plugin install is not available yet");
  }

  async enable(id: string): Promise<void> {
    throw notFound("plugin", `plugin ${id} is not installed`);
  }

  async disable(id: string): Promise<void> {
    throw notFound("plugin", `plugin ${id} is not installed`);
  }

  async uninstall(id: string, _options: { purge: boolean }): Promise<void> {
    throw notFound("plugin", `plugin ${id} is not installed`);
  }

  async webapps(): Promise<WebappPlugin[]> {
    return [];
  }

  async webAsset(props: { pluginId: string; checksum: string; path: string }): Promise<{ body: Buffer; contentType: string }> {
    throw notFound("plugin_asset", `no asset ${props.path} for plugin ${props.pluginId}`);
  }

  async handleHttp(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    void this.host;
    return reply.status(404).send({ id: "api.plugin.not_found", message: `no plugin route ${request.method} ${request.url}`, status_code: 404 });
  }
}
