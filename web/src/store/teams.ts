/**
 * @module store/teams
 * The user's teams: list, create, join.
 */
import * as z from "zod/mini";
import { teamSchema } from "#common/wire-schemas.ts";
import type { Team } from "#common/wire.ts";
import type { Services } from "./services.ts";

/** The channel a new team starts with, as in Mattermost. */
export const DEFAULT_CHANNEL = "town-square";

/** Load the teams the user belongs to. */
export async function teamsLoader(services: Pick<Services, "api" | "store">): Promise<Team[]> {
  const teams = await services.api.get("/api/v4/users/me/teams", z.array(teamSchema));
  services.store.update((s) => ({ ...s, teams }));
  return teams;
}

/** Teams the user could join: open teams they are not on yet. */
export async function joinableTeams(services: Pick<Services, "api" | "store">): Promise<Team[]> {
  const all = await services.api.get("/api/v4/teams", z.array(teamSchema));
  const mine = new Set((services.store.get().teams ?? []).map((t) => t.id));
  return all.filter((t) => t.type === "O" && !mine.has(t.id));
}

/** Create a team (the server gives it a Town Square); the creator is its admin. */
export async function teamCreator(
  services: Pick<Services, "api" | "store">,
  props: { name: string; displayName: string; type: "O" | "I" },
): Promise<Team> {
  const team = await services.api.post(
    "/api/v4/teams",
    { name: props.name, display_name: props.displayName, type: props.type },
    teamSchema,
  );
  await teamsLoader(services);
  return team;
}

/** Join an open team; the server adds the user to its Town Square. */
export async function teamJoiner(services: Pick<Services, "api" | "store">, team: Team): Promise<void> {
  const me = services.store.get().me;
  if (!me) return;
  await services.api.post(`/api/v4/teams/${team.id}/members`, { team_id: team.id, user_id: me.id });
  await teamsLoader(services);
}
