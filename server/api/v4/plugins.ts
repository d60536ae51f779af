/**
 * @module api/v4/plugins
 * Plugin admin routes (system admins only), the web app's list of plugin
 * bundles to load, their static files, and the dispatch of each plugin's own
 * routes under `/plugins/{id}/` (which the plugin runtime records in the
 * route table with the plugin as owner).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { pluginListSchema, pluginManifestSummarySchema, webappPluginSchema } from "#common/wire-schemas.ts";
import { badRequest } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { auditRecorder } from "../../services/audits.ts";
import { BODY_LIMITS, bodyTooLarge, limitedBody } from "../body-limit.ts";
import { hostRoute } from "../route.ts";
import { isFileTooLarge } from "./files.ts";

const idParams = z.object({ id: z.string() });
const flag = z.enum(["true", "false"]).optional();
const okSchema = z.object({ status: z.literal("OK") });

export function registerPluginRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/plugins",
    access: "system_admin",
    summary: "Installed plugins, active and inactive",
    response: pluginListSchema,
    handler: () => host.plugins.list(),
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/plugins",
    access: "system_admin",
    summary: "Install a plugin bundle (multipart field `plugin`, a .tar.gz); force=true replaces an installed one",
    query: z.object({ force: flag }),
    response: pluginManifestSummarySchema,
    status: 201,
    handler: async ({ query, request }) => {
      const missing = () => badRequest("api.plugin.upload.field", "plugin: a .tar.gz bundle is required in the multipart field 'plugin'");
      // Not multipart at all: the same 400 as a missing field, not multipart's 406.
      if (!request.isMultipart()) throw missing();
      const file = await request.file();
      if (!file || file.fieldname !== "plugin") throw missing();
      let bundle: Buffer;
      try {
        bundle = await file.toBuffer();
      } catch (error) {
        if (isFileTooLarge(error)) throw bodyTooLarge({ limit: BODY_LIMITS.pluginBundle, method: "POST", url: "/api/v4/plugins" });
        throw error;
      }
      const installed = await host.plugins.install({ bundle, force: query.force === "true" });
      await auditRecorder(host, { request, extraInfo: `success - plugin_id=${installed.id} version=${installed.version}` });
      return installed;
    },
  });

  for (const action of ["enable", "disable"] as const) {
    hostRoute(app, host, {
      method: "POST",
      path: `/api/v4/plugins/:id/${action}`,
      access: "system_admin",
      summary: `${action === "enable" ? "Enable" : "Disable"} a plugin on every process`,
      params: idParams,
      response: okSchema,
      handler: async ({ params, request }) => {
        await (action === "enable" ? host.plugins.enable(params.id) : host.plugins.disable(params.id));
        await auditRecorder(host, { request, extraInfo: `success - plugin_id=${params.id}` });
        return { status: "OK" };
      },
    });
  }

  hostRoute(app, host, {
    method: "DELETE",
    path: "/api/v4/plugins/:id",
    access: "system_admin",
    summary: "Uninstall a plugin; purge=true also deletes its data",
    params: idParams,
    query: z.object({ purge: flag }),
    response: okSchema,
    handler: async ({ params, query, request }) => {
      await host.plugins.uninstall(params.id, { purge: query.purge === "true" });
      await auditRecorder(host, { request, extraInfo: `success - plugin_id=${params.id}${query.purge === "true" ? " purge=true" : ""}` });
      return { status: "OK" };
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/plugins/:id/settings",
    access: "system_admin",
    summary: "A plugin's effective settings",
    params: idParams,
    response: z.record(z.string(), z.unknown()),
    handler: ({ params }) => host.plugins.settings(params.id),
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/plugins/:id/settings",
    access: "system_admin",
    summary: "Replace a plugin's settings (each checked against its settings schema)",
    params: idParams,
    body: z.record(z.string(), z.unknown(), "must be an object of setting values"),
    invalidId: "api.plugin.settings.invalid",
    response: z.record(z.string(), z.unknown()),
    handler: async ({ params, body, request }) => {
      const settings = await host.plugins.updateSettings(params.id, body);
      await auditRecorder(host, { request, extraInfo: `success - plugin_id=${params.id} settings=${Object.keys(body).sort().join(",")}` });
      return settings;
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/plugins/webapp",
    access: "user",
    summary: "The web bundles of enabled plugins, for the web app to load at runtime",
    response: z.array(webappPluginSchema),
    handler: () => host.plugins.webapps(),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/static/plugins/:id/:checksum/*",
    access: "none",
    summary: "A file of a plugin's web bundle (immutable: the checksum is in the path)",
    params: z.object({ id: z.string(), checksum: z.string(), "*": z.string() }),
    handler: async ({ params, reply }) => {
      const file = await host.plugins.webAsset({ pluginId: params.id, checksum: params.checksum, path: params["*"] });
      return reply.header("cache-control", "public, max-age=31536000, immutable").type(file.contentType).send(file.body);
    },
  });

  // Plugin routes: the runtime validates and records each one (owner = plugin id) and dispatches here.
  // One Fastify route serves them all: each plugin route's own body limit is checked on the stream, before parsing.
  app.all(
    "/plugins/:id/*",
    {
      bodyLimit: BODY_LIMITS.pluginRouteMax,
      preParsing: async (request, _reply, payload) =>
        limitedBody({
          payload,
          contentLength: request.headers["content-length"],
          limit: host.plugins.bodyLimitFor(request.method, request.url),
          method: request.method,
          url: request.url,
        }),
    },
    async (request, reply) => host.plugins.handleHttp(request, reply),
  );
}
