/**
 * @module incident/server/history
 * Who sees which incidents in a list, and the history's page: the caller's
 * {@link IncidentScope} (the public incidents of the teams they belong to,
 * the private incidents of channels they can read, everything for a system
 * admin) is worked out once per request, so the list, its count and the
 * metrics are filtered and paged in SQL — the same rule as
 * {@link canSeeIncident}, applied to many incidents at once.
 */
import { isSystemAdmin } from "#common/wire.ts";
import type { HistoryQuery } from "../common/review-types.ts";
import type { Incident, Page } from "../common/types.ts";
import type { IncidentDeps } from "./incident-deps.ts";
import { presentIncident } from "./presenter.ts";
import type { IncidentQuery, IncidentScope, ReviewStore } from "./review-store.ts";

/** The incidents the user may see among those of the query's team (or every team). */
export async function incidentScopeOf(
  deps: IncidentDeps,
  props: { review: ReviewStore; userId: string; query: Pick<IncidentQuery, "teamId" | "channelId"> },
): Promise<IncidentScope> {
  const { ctx } = deps;
  const user = await ctx.users.get(props.userId);
  if (user && isSystemAdmin(user)) return { all: true };
  const [teamIds, channelIds] = await Promise.all([props.review.teamIdsOf(props.query), props.review.privateChannelIdsOf(props.query)]);
  const [teamChecks, channelChecks] = await Promise.all([
    Promise.all(teamIds.map((id) => ctx.teams.isMember(id, props.userId))),
    Promise.all(channelIds.map((id) => ctx.channels.canRead(props.userId, id))),
  ]);
  return {
    all: false,
    publicTeamIds: teamIds.filter((_, i) => teamChecks[i]),
    privateChannelIds: channelIds.filter((_, i) => channelChecks[i]),
  };
}

/** The store's filters of a `GET /incidents` query (`playbook_id=none`: incidents without a playbook). */
export function incidentQueryOf(query: HistoryQuery): IncidentQuery {
  return {
    teamId: query.team_id,
    channelId: query.channel_id,
    status: query.status === "all" ? undefined : query.status,
    commanderUserId: query.commander_user_id,
    severity: query.severity,
    playbookId: query.playbook_id === "none" ? "" : query.playbook_id,
    since: query.since,
    until: query.until,
    q: query.q || undefined,
    drill: query.drill,
  };
}

/** One page of the incidents the user may see that match the query, presented, with the total. */
export async function incidentLister(
  deps: IncidentDeps,
  props: { review: ReviewStore; userId: string; query: HistoryQuery },
): Promise<Page<Incident>> {
  const { query } = props;
  const filter = incidentQueryOf(query);
  const scope = await incidentScopeOf(deps, { review: props.review, userId: props.userId, query: filter });
  const page = await props.review.pageIncidents({
    query: filter,
    scope,
    sort: query.sort,
    direction: query.direction,
    page: query.page,
    perPage: query.per_page,
  });
  const items = await Promise.all(page.items.map(async (i) => presentIncident(i, await deps.store.listItems(i.id))));
  return { items, total_count: page.total };
}
