/**
 * @module api/context
 * Who is calling: the session behind a request, and the guards routes use.
 */
import type { FastifyRequest } from "fastify";
import type { ZodType } from "zod";
import { isSystemAdmin, type User } from "#common/wire.ts";
import type { SessionsTable } from "../db/schema.ts";
import { forbidden, fromZodError, unauthorized } from "../errors.ts";
import { presentUser } from "../services/users.ts";

export interface RequestAuth {
  user: User;
  session: SessionsTable;
  token: string;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth hook when the request carries a valid session or token. */
    auth: RequestAuth | null;
  }
}

/** The signed-in user, or a 401. */
export function requireUser(request: FastifyRequest): User {
  if (!request.auth) throw unauthorized();
  return request.auth.user;
}

/** The signed-in system admin, or a 401/403. */
export function requireAdmin(request: FastifyRequest): User {
  const user = requireUser(request);
  if (!isSystemAdmin(user)) throw forbidden("Only system admins may do that.");
  return user;
}

/** Parse a value with a zod schema, or answer 400 naming each field and reason. */
export function parse<T>(schema: ZodType<T>, value: unknown, id = "api.validation"): T {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error, id);
  return result.data;
}

export { presentUser };
