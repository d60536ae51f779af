/**
 * @module api/v4/plugins
 * Plugin admin routes (system admins only), the web app's list of plugin
 * bundles to load, and each plugin's own routes under `/plugins/{id}/`.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { badRequest } from "../../errors.ts";
import type { Host } from "../../host.ts";
import { parse, requireAdmin, requireUser } from "../context.ts";

export function registerPluginRoutes(app: FastifyInstance, host: Host): void {
  app.get("/api/v4/plugins", async (request) => {
    requireAdmin(request);
    return host.plugins.list();
  });

  app.post("/api/v4/plugins", async (request, reply) => {
    requireAdmin(request);
    const missing = () => badRequest("api.plugin.upload.field", "plugin: a .tar.gz bundle is required in the multipart field 'plugin'");
    // Not multipart at all: the same 400 as a missing field, not multipart's 406.
    if (!request.isMultipart()) throw missing();
    const file = await request.file();
    if (!file || file.fieldname !== "plugin") throw missing();
    const bundle = await file.toBuffer();
    const force = parse(z.object({ force: z.enum(["true", "false"]).optional() }), request.query).force === "true";
    return reply.status(201).send(await host.plugins.install({ bundle, force }));
  });

  app.post<{ Params: { id: string } }>("/api/v4/plugins/:id/enable", async (request) => {
    requireAdmin(request);
    await host.plugins.enable(request.params.id);
    return { status: "OK" };
  });

  app.post<{ Params: { id: string } }>("/api/v4/plugins/:id/disable", async (request) => {
    requireAdmin(request);
    await host.plugins.disable(request.params.id);
    return { status: "OK" };
  });

  app.delete<{ Params: { id: string } }>("/api/v4/plugins/:id", async (request) => {
    requireAdmin(request);
    const { purge } = parse(z.object({ purge: z.enum(["true", "false"]).optional() }), request.query);
    await host.plugins.uninstall(request.params.id, { purge: purge === "true" });
    return { status: "OK" };
  });

  app.get<{ Params: { id: string } }>("/api/v4/plugins/:id/settings", async (request) => {
    requireAdmin(request);
    return host.plugins.settings(request.params.id);
  });

  app.put<{ Params: { id: string } }>("/api/v4/plugins/:id/settings", async (request) => {
    requireAdmin(request);
    return host.plugins.updateSettings(request.params.id, request.body);
  });

  // Every signed-in user: the web bundles of enabled plugins, to load at runtime.
  app.get("/api/v4/plugins/webapp", async (request) => {
    requireUser(request);
    return host.plugins.webapps();
  });

  app.get<{ Params: { id: string; checksum: string; "*": string } }>("/static/plugins/:id/:checksum/*", async (request, reply) => {
    const file = await host.plugins.webAsset({ pluginId: request.params.id, checksum: request.params.checksum, path: request.params["*"] });
    return reply.header("cache-control", "public, max-age=31536000, immutable").type(file.contentType).send(file.body);
  });

  app.all("/plugins/:id/*", async (request, reply) => host.plugins.handleHttp(request, reply));
}
