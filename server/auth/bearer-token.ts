/**
 * @module auth/bearer-token
 * The one reader of an access token from request headers, so that the HTTP API
 * and the WebSocket upgrade accept exactly the same forms: `Authorization:
 * Bearer <token>` and Mattermost's older `Authorization: Token <token>`, the
 * scheme in any case. Cookies are read where each transport keeps them.
 */

/** The headers a token may come in: Node's `IncomingMessage.headers` and Fastify's `request.headers` both fit. */
export type TokenHeaders = Record<string, string | string[] | undefined>;

const SCHEME = /^(bearer|token) /i;

/**
 * The access token of the `Authorization` header, or null when there is none
 * in a form we accept. An empty token (`Bearer `) is returned as "" and fails
 * sign-in like any wrong token.
 * @example bearerToken({ authorization: "Token abc" }) // "abc"
 */
export function bearerToken(headers: TokenHeaders): string | null {
  const header = headers.authorization;
  if (typeof header !== "string" || !SCHEME.test(header)) return null;
  return header.replace(SCHEME, "").trim();
}
