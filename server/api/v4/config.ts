/**
 * @module api/v4/config
 * The system configuration, Mattermost's `GET /api/v4/config` and
 * `PUT /api/v4/config/patch` (system admins only), for the one stored setting
 * Sitrep has: `ServiceSettings.AllowedUntrustedInternalConnections`. The
 * environment's entries (`SITREP_ALLOWED_INTERNAL_CONNECTIONS`) add to it and
 * are not shown here.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Host } from "../../host.ts";
import { parse, requireAdmin } from "../context.ts";

const patchBody = z.object({
  ServiceSettings: z
    .object({ AllowedUntrustedInternalConnections: z.string("must be a string of space-separated entries").optional() })
    .optional(),
});

/** `GET /api/v4/config` and `PUT /api/v4/config/patch`. */
export function registerConfigRoutes(app: FastifyInstance, host: Host): void {
  const present = async () => ({
    ServiceSettings: { AllowedUntrustedInternalConnections: await host.outbound.setting.stored() },
  });

  app.get("/api/v4/config", async (request) => {
    requireAdmin(request);
    return present();
  });

  app.put("/api/v4/config/patch", async (request) => {
    requireAdmin(request);
    const body = parse(patchBody, request.body, "api.config.invalid");
    const value = body.ServiceSettings?.AllowedUntrustedInternalConnections;
    if (value !== undefined) await host.outbound.setting.set(value);
    return present();
  });
}
