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
import { hostRoute } from "../route.ts";

const patchBody = z.object({
  ServiceSettings: z
    .object({ AllowedUntrustedInternalConnections: z.string("must be a string of space-separated entries").optional() })
    .optional(),
});

const configSchema = z.object({ ServiceSettings: z.object({ AllowedUntrustedInternalConnections: z.string() }) });

/** `GET /api/v4/config` and `PUT /api/v4/config/patch`. */
export function registerConfigRoutes(app: FastifyInstance, host: Host): void {
  const present = async () => ({
    ServiceSettings: { AllowedUntrustedInternalConnections: await host.outbound.setting.stored() },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/config",
    access: "system_admin",
    summary: "The system configuration (the stored AllowedUntrustedInternalConnections)",
    response: configSchema,
    handler: present,
  });

  hostRoute(app, host, {
    method: "PUT",
    path: "/api/v4/config/patch",
    access: "system_admin",
    summary: "Change the system configuration: ServiceSettings.AllowedUntrustedInternalConnections",
    body: patchBody,
    invalidId: "api.config.invalid",
    response: configSchema,
    handler: async ({ body }) => {
      const value = body.ServiceSettings?.AllowedUntrustedInternalConnections;
      if (value !== undefined) await host.outbound.setting.set(value);
      return present();
    },
  });
}
