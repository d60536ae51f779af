/**
 * @module testing
 * The test kit every server and plugin test imports, as `#testing`: a real
 * in-process server, HTTP clients and factories.
 */
export * from "./harness.ts";
// The CLI side, for tests of plugins' commands: the host's client and the `PluginCli` a plugin's `register` receives.
export { ApiClient } from "../cli/client.ts";
export { createPluginCli } from "../cli/plugin-cli.ts";
