/**
 * @module testing
 * The test kit every server and plugin test imports, as `#testing`: a real
 * in-process server, HTTP clients and factories.
 */
export * from "./harness.ts";
