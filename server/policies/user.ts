/**
 * @module policies/user
 * What a user may do to another user's account, and what they see of it.
 */
import { isSystemAdmin, type User } from "#common/wire.ts";
import { forbidden } from "../errors.ts";
import type { Actor } from "./team.ts";

/** Whether `viewer` may act on `userId`'s account: their own, or anyone's as a system admin. */
export function selfOrAdmin(viewer: Actor, userId: string): boolean {
  return viewer.id === userId || isSystemAdmin(viewer);
}

/** A 403 with `message` unless {@link selfOrAdmin}. */
export function requireSelfOrAdmin(props: { viewer: Actor; userId: string; message: string }): void {
  if (!selfOrAdmin(props.viewer, props.userId)) throw forbidden(props.message);
}

/** Whether `viewer` may see `user`'s email: their own, or anyone's as a system admin (Mattermost's default privacy). */
export function canSeeEmail(viewer: Actor, user: Pick<User, "id">): boolean {
  return selfOrAdmin(viewer, user.id);
}
