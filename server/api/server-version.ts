/**
 * @module api/server-version
 * The Mattermost server version Sitrep's API v4 subset follows, as clients
 * read it: `Version` in `config/client`, and the `X-Version-Id` header of
 * every answer (Client4's `getServerVersion`, from which mattermost-redux's
 * `isMinimumServerVersion` reads major, minor and patch).
 */

/** The Mattermost release whose API v4 Sitrep answers as. */
export const MATTERMOST_VERSION = "9.11.0";

/** `X-Version-Id`: the version and Sitrep's build, as the WebSocket `hello` says it. */
export const VERSION_ID = `${MATTERMOST_VERSION}.sitrep`;
