/**
 * @module incident/server/routes/disable-warning
 * `GET /api/v1/disable-warning` (the manifest's `disable_warning`): what the
 * System Console shows a system admin before disabling the plugin — how many
 * incidents are active, whose channels lose their commands, RHS and
 * reminders until it is enabled again (no data is deleted).
 */
import { z } from "zod";
import { notAllowed } from "#common/plugin-errors.ts";
import { isSystemAdmin } from "#common/wire.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { reply } from "./handler-parts.ts";

/** Register the route; the host removes it on disable. */
export function registerDisableWarningRoute(deps: IncidentDeps): void {
  deps.ctx.http.route({
    method: "GET",
    path: "/api/v1/disable-warning",
    policy: "admin",
    summary: 'For a system admin about to disable the plugin: how many incidents are active ("" when none)',
    response: z.object({ message: z.string(), active: z.number() }),
    async handler(req) {
      if (!req.user || !isSystemAdmin(req.user))
        throw notAllowed("incident.disable_warning.forbidden", "Only system admins disable plugins.");
      const active = await deps.store.countActive();
      const message = active
        ? `${active === 1 ? "1 incident is" : `${active} incidents are`} active. Disabling the Incident plugin stops their slash commands, reminders, forwarding and the Incidents panel for everyone until it is enabled again; nothing is deleted.`
        : "";
      return reply(200, { message, active });
    },
  });
}
