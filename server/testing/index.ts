/**
 * @module testing
 * The test kit every server and plugin test imports, as `#testing`: a real
 * in-process server with HTTP clients and factories (harness), a server with
 * first-party plugins, the one poll-until helper, the one WebSocket client,
 * channel reads, answer schemas and checked reads of list items.
 */
export * from "./harness.ts";
export * from "./eventually.ts";
export * from "./socket.ts";
export * from "./posts.ts";
export * from "./plugins.ts";
export * from "./expect-body.ts";
export * from "./schemas.ts";
export * from "./bundles.ts";
export * from "./lists.ts";
export * from "./authorization.ts";
export * from "./backend-termination.ts";
// The CLI side, for tests of plugins' commands: the host's client and the `PluginCli` a plugin's `register` receives.
export { ApiClient } from "../cli/client.ts";
export { createPluginCli } from "../cli/plugin-cli.ts";
export * from "./second-process.ts";
export * from "./mattermost-client.ts";
export * from "./old-workspace.ts";
export * from "./log-capture.ts";
// The clock tests move by hand (`config.clock`), for reminders, due times and retries.
export { ManualClock } from "../clock.ts";
export * from "./pg-proxy.ts";
