/**
 * @module api/v4/access-tokens
 * Personal access tokens, on Mattermost's routes: create (with an optional
 * `expires_at`), list a user's, read one, disable, enable and revoke. Each
 * person manages their own; system admins anyone's. A token of someone else
 * answers 404 like one that does not exist. Creation, disabling, enabling and
 * revocation are audited.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { pageQuerySchema } from "#common/limits.ts";
import { createdUserAccessTokenSchema, userAccessTokenSchema } from "#common/wire-schemas.ts";
import { notFound } from "../../errors.ts";
import type { Host } from "../../host.ts";
import {
  accessTokenCreator,
  accessTokenLister,
  accessTokenRevoker,
  accessTokenToggler,
  manageableAccessToken,
  presentAccessToken,
} from "../../auth/access-tokens.ts";
import { requireSelfOrAdmin } from "../../policies/index.ts";
import { auditRecorder } from "../../services/audits.ts";
import { getUser } from "../../services/users.ts";
import { hostRoute } from "../route.ts";

const tokenIdBody = z.object({
  token_id: z
    .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
    .min(1, "is required")
    .max(26, "must be a token id"),
});
const userParams = z.object({ userId: z.string() });
const okSchema = z.object({ status: z.literal("OK") });

export function registerAccessTokenRoutes(app: FastifyInstance, host: Host): void {
  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users/:userId/tokens",
    access: "user",
    summary: "Create a personal access token (shown once); expires_at (ms) makes it stop working then",
    policy: "self or system admin",
    params: userParams,
    body: z.object({
      description: z.string().min(1, "is required").max(255, "must be at most 255 characters"),
      expires_at: z.number("must be a number (milliseconds since the epoch)").int("must be a whole number").min(0).optional(),
    }),
    invalidId: "api.user.create_user_access_token.invalid",
    response: createdUserAccessTokenSchema,
    status: 201,
    handler: async ({ params, body, user: viewer, request }) => {
      requireSelfOrAdmin({ viewer, userId: params.userId, message: "You may create tokens only for yourself." });
      const user = await getUser(host, params.userId);
      if (!user || user.delete_at) throw notFound("user", "user not found");
      const token = await accessTokenCreator(host, { userId: user.id, description: body.description, expiresAt: body.expires_at });
      await auditRecorder(host, { request, extraInfo: `success - token_id=${token.id} user_id=${user.id}` });
      return token;
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/:userId/tokens",
    access: "user",
    summary: "A page of a user's personal access tokens (without their secrets)",
    policy: "self or system admin",
    params: userParams,
    query: pageQuerySchema(),
    response: z.array(userAccessTokenSchema),
    handler: async ({ params, query, user: viewer }) => {
      requireSelfOrAdmin({ viewer, userId: params.userId, message: "You may list only your own tokens." });
      return accessTokenLister(host, { userId: params.userId, page: query.page, perPage: query.per_page });
    },
  });

  hostRoute(app, host, {
    method: "GET",
    path: "/api/v4/users/tokens/:tokenId",
    access: "user",
    summary: "A personal access token (without its secret)",
    policy: "its owner or a system admin; 404 for anyone else",
    params: z.object({ tokenId: z.string() }),
    response: userAccessTokenSchema,
    handler: async ({ params, user: viewer }) => presentAccessToken(await manageableAccessToken(host, { tokenId: params.tokenId, viewer })),
  });

  hostRoute(app, host, {
    method: "POST",
    path: "/api/v4/users/tokens/revoke",
    access: "user",
    summary: "Revoke a personal access token: deleted, and its sessions and WebSockets end at once",
    policy: "its owner or a system admin; 404 for anyone else",
    body: tokenIdBody,
    invalidId: "api.user.revoke_user_access_token.invalid",
    response: okSchema,
    handler: async ({ body, user: viewer, request }) => {
      const token = await manageableAccessToken(host, { tokenId: body.token_id, viewer });
      await accessTokenRevoker(host, { token });
      await auditRecorder(host, { request, extraInfo: `success - token_id=${token.id} user_id=${token.user_id}` });
      return { status: "OK" };
    },
  });

  for (const verb of ["disable", "enable"] as const) {
    hostRoute(app, host, {
      method: "POST",
      path: `/api/v4/users/tokens/${verb}`,
      access: "user",
      summary:
        verb === "disable"
          ? "Disable a personal access token: it signs in no more, and its sessions end at once"
          : "Enable a disabled personal access token",
      policy: "its owner or a system admin; 404 for anyone else",
      body: tokenIdBody,
      invalidId: `api.user.${verb}_user_access_token.invalid`,
      response: okSchema,
      handler: async ({ body, user: viewer, request }) => {
        const token = await manageableAccessToken(host, { tokenId: body.token_id, viewer });
        await accessTokenToggler(host, { token, active: verb === "enable" });
        await auditRecorder(host, { request, extraInfo: `success - token_id=${token.id} user_id=${token.user_id}` });
        return { status: "OK" };
      },
    });
  }
}
