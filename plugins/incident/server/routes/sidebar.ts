/**
 * @module incident/server/routes/sidebar
 * `/api/v1/sidebar`: what the web plugin's "Incidents" sidebar section needs —
 * the channels of the active and ended incidents of the caller's teams that
 * the caller may see (a private incident's only to its channel's members, so no id leaks),
 * and the caller's own "hide ended" choice, kept per user in the plugin's KV
 * store so it follows them from browser to browser.
 */
import { sidebarAnswerSchema, sidebarPreferenceSchema, type SidebarAnswer } from "../../common/types.ts";
import type { IncidentDeps } from "../incident-deps.ts";
import { reply, userId } from "./handler-parts.ts";

const BASE = "/api/v1/sidebar";

const preferenceKey = (userId: string) => `sidebar-preference:${userId}`;

/** The user's stored choice (false until they make one). */
async function hidesEnded(deps: IncidentDeps, user: string): Promise<boolean> {
  return sidebarPreferenceSchema.safeParse(await deps.ctx.kv.get(preferenceKey(user))).data?.hide_ended ?? false;
}

/** The incident channels of the user's teams that the user may see, split by whether an incident runs there now. */
async function sidebarOf(deps: IncidentDeps, props: { userId: string }): Promise<SidebarAnswer> {
  const { ctx, store } = deps;
  const active = new Set<string>();
  const ended = new Set<string>();
  const teams = new Map<string, boolean>();
  const inTeam = async (teamId: string) => {
    const known = teams.get(teamId);
    if (known !== undefined) return known;
    const member = await ctx.teams.isMember(teamId, props.userId);
    teams.set(teamId, member);
    return member;
  };
  for (const row of await store.incidentChannels()) {
    if (!(await inTeam(row.team_id))) continue;
    if (row.private && !(await ctx.channels.isMember(row.channel_id, props.userId))) continue;
    (row.status === "active" ? active : ended).add(row.channel_id);
  }
  // A channel that ran an incident before and runs one now is an active incident's.
  for (const id of active) ended.delete(id);
  return { active_channel_ids: [...active], ended_channel_ids: [...ended], hide_ended: await hidesEnded(deps, props.userId) };
}

/** Register the sidebar routes; the host removes them on disable. */
export function registerSidebarRoutes(deps: IncidentDeps): void {
  const { ctx } = deps;

  ctx.http.route({
    method: "GET",
    path: BASE,
    policy: "signed-in",
    summary: "The incident channels of the caller's teams for the sidebar (active and ended) and the caller's hide-ended choice",
    invalidId: "incident.sidebar.invalid",
    response: sidebarAnswerSchema,
    async handler(req) {
      return reply(200, await sidebarOf(deps, { userId: userId(req) }));
    },
  });

  ctx.http.route({
    method: "PUT",
    path: BASE,
    policy: "signed-in",
    summary: "Set the caller's choice to hide ended incidents' channels from the sidebar; answers the sidebar",
    body: sidebarPreferenceSchema,
    invalidId: "incident.sidebar.invalid",
    response: sidebarAnswerSchema,
    async handler(req) {
      const user = userId(req);
      await ctx.kv.set(preferenceKey(user), { hide_ended: req.body.hide_ended });
      return reply(200, await sidebarOf(deps, { userId: user }));
    },
  });
}
