/**
 * @module policies
 * The host's authorization rules, in one place for the HTTP routes and the
 * host's automation actions (Outline's `policies/`, Mattermost's
 * `SessionHasPermissionTo*`): `can*` answer a question, `access*` fetch and
 * authorize with one 404, `*Refusal` say why an action is refused so each
 * caller can phrase it.
 */
export * from "./channel.ts";
export * from "./file.ts";
export * from "./post.ts";
export * from "./team.ts";
export * from "./user.ts";
