/**
 * @module api/v4/openapi
 * The API's own description, generated from the route table (api/openapi.ts):
 * `GET /api/v4/openapi.json` for the host's routes, `GET /plugins/{id}/api/v1/openapi.json`
 * for each running plugin's, and `GET /api/reference`, a plain HTML page
 * listing both for people (no script, so it works under any content policy).
 * Open to anonymous callers: the routes of an open-source server are no secret,
 * and a client generator runs before it has a token.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Host } from "../../host.ts";
import { notFound } from "../../errors.ts";
import { openApiDocument, type OpenApiDocument } from "../openapi.ts";
import { hostRoute } from "../route.ts";
import { MATTERMOST_VERSION } from "../server-version.ts";

/** The host's document: every `/api/v4` (and other host) route. */
function hostDocument(host: Host): OpenApiDocument {
  return openApiDocument({
    title: "Sitrep API",
    version: MATTERMOST_VERSION,
    description: "Sitrep's host API: a Mattermost API v4 subset (docs/mattermost-compatibility.md lists the differences).",
    routes: host.routes.list({ owner: "host" }),
  });
}

/** A running plugin's document, or a 404 when the plugin does not run here. */
async function pluginDocument(host: Host, pluginId: string): Promise<OpenApiDocument> {
  const plugin = (await host.plugins.list()).active.find((p) => p.id === pluginId);
  if (!plugin) throw notFound("plugin", `Plugin "${pluginId}" is not installed or not enabled.`);
  return openApiDocument({
    title: `${plugin.name} API`,
    version: plugin.version,
    description: plugin.description,
    routes: host.routes.list({ owner: pluginId }),
  });
}

/** `&`, `<`, `>` and quotes escaped for HTML text and attributes. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One document as an HTML section: a table of its operations, each with its schemas folded away. */
function documentSection(document: OpenApiDocument, jsonUrl: string): string {
  const rows: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const details = {
        parameters: operation.parameters,
        requestBody: operation.requestBody?.content["application/json"]?.schema,
        response: operation.responses["200"]?.content?.["application/json"]?.schema,
      };
      rows.push(
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td>` +
          `<td>${escapeHtml(operation.summary)}</td><td>${escapeHtml(operation["x-sitrep-access"])}${operation["x-sitrep-policy"] ? `, ${escapeHtml(operation["x-sitrep-policy"])}` : ""}</td>` +
          `<td><details><summary>schemas</summary><pre>${escapeHtml(JSON.stringify(details, null, 2))}</pre></details></td></tr>`,
      );
    }
  }
  return (
    `<section><h2>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h2>` +
    `<p>${escapeHtml(document.info.description)} <a href="${escapeHtml(jsonUrl)}">OpenAPI JSON</a></p>` +
    `<table><thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Who may call</th><th>Schemas</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table></section>`
  );
}

/** The reference page: the host's document, then each running plugin's. */
async function referencePage(host: Host): Promise<string> {
  const sections = [documentSection(hostDocument(host), "/api/v4/openapi.json")];
  for (const plugin of (await host.plugins.list()).active) {
    const url = `/plugins/${plugin.id}/api/v1/openapi.json`;
    sections.push(documentSection(await pluginDocument(host, plugin.id), url));
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sitrep API reference</title></head><body><main><h1>Sitrep API reference</h1>${sections.join("")}</main></body></html>`;
}

/** `GET /api/v4/openapi.json`, `GET /plugins/{id}/api/v1/openapi.json` and `GET /api/reference`. */
export function registerOpenApiRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/openapi.json",
    access: "none",
    summary: "The OpenAPI 3.1 document of the host's routes, generated from the schemas that validate them",
    handler: async () => hostDocument(host),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/plugins/:id/api/v1/openapi.json",
    access: "none",
    summary: "The OpenAPI 3.1 document of a running plugin's routes",
    params: z.object({ id: z.string() }),
    handler: async ({ params }) => pluginDocument(host, params.id),
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/reference",
    access: "none",
    summary: "A page listing every route of the host and the running plugins, for people",
    handler: async ({ reply }) => reply.type("text/html; charset=utf-8").send(await referencePage(host)),
  });
}
