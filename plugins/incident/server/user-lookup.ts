/**
 * @module incident/server/user-lookup
 * A user named as people type them (`@alice` or `alice`) in slash commands
 * and workflow parameters; a name that names nobody is a 400 naming the
 * parameter.
 */
import { invalid } from "#common/plugin-errors.ts";
import type { User } from "#common/wire.ts";
import type { IncidentDeps } from "./incident-deps.ts";

/** The user of this username; else 400 `${param}: no user @name`. */
export async function userNamed(deps: IncidentDeps, props: { username: string; param: string }): Promise<User> {
  const name = props.username.trim().replace(/^@/, "");
  const user = name ? await deps.ctx.users.getByUsername(name) : null;
  if (!user) throw invalid("incident.user.unknown", `${props.param}: no user @${name}`);
  return user;
}
