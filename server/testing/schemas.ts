/**
 * @module testing/schemas
 * Schemas of the host answers that `common/wire-schemas.ts` does not name
 * (the web app never reads them), for tests to read those bodies typed.
 * Loose, as the wire schemas are: a field not named here is kept.
 */
import * as z from "zod/mini";

/** An incoming webhook as `POST/GET /api/v4/hooks/incoming` answer it. */
export const incomingHookSchema = z.looseObject({
  id: z.string(),
  channel_id: z.string(),
  team_id: z.string(),
  user_id: z.string(),
  display_name: z.string(),
  description: z.string(),
});

/** A personal access token as `POST /api/v4/users/{id}/tokens` answers it: the secret is shown once. */
export const accessTokenSchema = z.looseObject({
  id: z.string(),
  token: z.string(),
  user_id: z.string(),
  description: z.string(),
});

/** `{status: "OK"}`, the answer of actions without a body of their own. */
export const statusOkSchema = z.looseObject({ status: z.string() });

/** `GET /api/v4/config`: the one setting Sitrep has. */
export const hostConfigSchema = z.looseObject({
  ServiceSettings: z.looseObject({ AllowedUntrustedInternalConnections: z.string() }),
});

/** Any answer naming the id of what it made or read, for tests that need only the id. */
export const withIdSchema = z.looseObject({ id: z.string() });

/**
 * A page as the plugins answer one (`{items, total_count}`), of items of this schema.
 * @example const page = await alice.get(`${API}/incidents?team_id=${team.id}`, pageOf(incidentAnswerSchema));
 */
export function pageOf<T>(item: z.core.$ZodType<T>) {
  return z.looseObject({ items: z.array(item), total_count: z.number() });
}

/**
 * A refusal (the shape of `apiErrorBodySchema`) whose `details` has this schema: a playbook's problems, a suggested name.
 * @example const taken = await alice.post(path, body, refusalWith(z.looseObject({ suggestion: z.string() })));
 */
export function refusalWith<T>(details: z.core.$ZodType<T>) {
  return z.looseObject({ id: z.string(), message: z.string(), status_code: z.number(), details });
}
