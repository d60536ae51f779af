/**
 * @module store/users
 * The cache of users by id, filled in batches as posts name them.
 */
import * as z from "zod/mini";
import { userSchema } from "#common/wire-schemas.ts";
import type { User } from "#common/wire.ts";
import type { Services } from "./services.ts";

type Deps = Pick<Services, "api" | "store">;
const inFlight = new WeakMap<Deps["store"], Set<string>>();

/** Fetch the users among `ids` that are not cached yet. */
export async function usersEnsurer(services: Deps, ids: string[]): Promise<void> {
  let pending = inFlight.get(services.store);
  if (!pending) inFlight.set(services.store, (pending = new Set()));
  const cached = services.store.get().users;
  const missing = [...new Set(ids)].filter((id) => id && !cached[id] && !pending.has(id) && !id.startsWith("local-"));
  if (missing.length === 0) return;
  missing.forEach((id) => pending.add(id));
  try {
    const users = await services.api.post("/api/v4/users/ids", missing, z.array(userSchema));
    usersCacher(services, users);
  } finally {
    missing.forEach((id) => pending.delete(id));
  }
}

/** Users of a team, for pickers; also cached by id. */
export async function teamUsersLoader(services: Deps, teamId: string): Promise<User[]> {
  const users = await services.api.get("/api/v4/users", z.array(userSchema), { in_team: teamId, per_page: 200 });
  usersCacher(services, users);
  return users;
}

/** Put users the server sent (in any answer) into the cache by id. */
export function usersCacher(services: Pick<Services, "store">, users: readonly User[]): void {
  if (users.length === 0) return;
  services.store.update((s) => {
    const next = { ...s.users };
    for (const user of users) next[user.id] = user;
    return { ...s, users: next };
  });
}

/** How a user is named in the UI: a bot by its display name, a person by nickname or username. */
export function displayName(user: User | undefined): string {
  if (!user) return "someone";
  if (user.is_bot) return user.first_name || user.username;
  return user.nickname || user.username;
}
