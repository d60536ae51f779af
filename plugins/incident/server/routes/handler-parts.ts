/**
 * @module incident/server/routes/handler-parts
 * What the route handlers share once the host has parsed the request with
 * their declared schemas: the caller's id and an answer with a status.
 */
import type { User } from "#common/wire.ts";
import { notAllowed } from "#common/plugin-errors.ts";

/** The signed-in user's id (the host answers 401 before a `user` route's handler without one). */
export function userId(req: { user: User | null }): string {
  if (!req.user) throw notAllowed("incident.auth", "You must be signed in to do that.");
  return req.user.id;
}

/** A JSON answer with a status (never confused with a body that has a `status` key). */
export function reply(status: number, body: unknown): { status: number; body: unknown } {
  return { status, body };
}
