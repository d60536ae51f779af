/**
 * @module api/context
 * Who is calling: the session behind a request, set by the auth hook of
 * `app.ts` and read by the route layer (`route.ts`).
 */
import type { User } from "#common/wire.ts";
import type { SessionsTable } from "../db/schema.ts";

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
