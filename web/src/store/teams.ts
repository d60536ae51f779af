/**
 * @module store/teams
 * The user's teams: list, create, join.
 */
import type { Team } from "../../../common/wire.ts";
import type { Services } from "./services.ts";

/** The channel a new team starts with, as in Mattermost. */
export const DEFAULT_CHANNEL = "town-square";

/** Load the teams the user belongs to. */
export async function teamsLoader(services: Pick<Services, "api" | "store">): Promise<Team[]> {
  const teams = await services.api.get<Team[]>("/api/v4/users/me/teams");
  services.store.update((s) => ({ ...s, teams }));
  return teams;
}

/** Teams the user could join: open teams they are not on yet. */
export async function joinableTeams(services: Pick<Services, "api" | "store">): Promise<Team[]> {
  const all = await services.api.get<Team[]>("/api/v4/teams");
  const mine = new Set((services.store.get().teams ?? []).map((t) => t.id));
  return all.filter((t) => t.type === "O" && !mine.has(t.id));
}

/** Create a team with a Town Square channel; the creator is its admin. */
export async function teamCreator(services: Pick<Services, "api" | "store">, props: { name: string; displayName: string; type: "O" | "I" }): Promise<Team> {
  const team = await services.api.post<Team>("/api/v4/teams", { name: props.name, display_name: props.displayName, type: props.type });
  await services.api.post("/api/v4/channels", { team_id: team.id, name: DEFAULT_CHANNEL, display_name: "Town Square", type: "O" }).catch(() => undefined);
  await teamsLoader(services);
  return team;
}

/** Join an open team, and its Town Square when it has one. */
export async function teamJoiner(services: Pick<Services, "api" | "store">, team: Team): Promise<void> {
  const me = services.store.get().me;
  if (!me) return;
  await services.api.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: me.id });
  try {
    const town = await services.api.get<{ id: string }>(`/api/v4/teams/${team.id}/channels/name/${DEFAULT_CHANNEL}`);
    await services.api.post(`/api/v4/channels/${town.id}/members`, { user_id: me.id });
  } catch {
    /* a team without a Town Square */
  }
  await teamsLoader(services);
}
