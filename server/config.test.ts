import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBundle, startTestServer, upload, type TestServer } from "#testing";
import { loadConfig, pluginDirectories } from "./config.ts";

const manifest = {
  id: "dirs",
  directories: {
    playbooks: { env: "SITREP_TEST_PLAYBOOKS_DIR", default: "./playbooks" },
    drafts: { env: "SITREP_TEST_DRAFTS_DIR", default: "drafts" },
  },
};

describe("pluginDirectories", () => {
  it("takes the override, else the variable of the config's environment, else the default, as absolute paths", () => {
    const config = loadConfig({ SITREP_TEST_PLAYBOOKS_DIR: "/srv/playbooks" });
    expect(pluginDirectories(config, manifest)).toEqual({ playbooks: "/srv/playbooks", drafts: path.resolve("drafts") });
    expect(pluginDirectories(loadConfig({}), manifest)).toEqual({ playbooks: path.resolve("playbooks"), drafts: path.resolve("drafts") });
    const overridden = loadConfig({ SITREP_TEST_PLAYBOOKS_DIR: "/srv/playbooks" }, { pluginDirectories: { dirs: { playbooks: "rel/p" } } });
    expect(pluginDirectories(overridden, manifest)).toEqual({ playbooks: path.resolve("rel/p"), drafts: path.resolve("drafts") });
    expect(pluginDirectories(config, { id: "none" })).toEqual({});
  });

  it("reads the environment it was loaded from, not process.env afterwards", () => {
    const config = loadConfig({});
    process.env.SITREP_TEST_PLAYBOOKS_DIR = "/changed/later";
    try {
      expect(pluginDirectories(config, manifest).playbooks).toBe(path.resolve("playbooks"));
    } finally {
      delete process.env.SITREP_TEST_PLAYBOOKS_DIR;
    }
  });
});

describe("ctx.directories", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ pluginDirectories: { dirs: { playbooks: "/tmp/sitrep-dirs-test" } } });
  });
  afterAll(async () => server.close());

  it("hands a plugin its declared directories, set by the test without touching process.env", async () => {
    const admin = await server.admin();
    const bundle = makeBundle({
      manifest: { ...manifest, name: "Dirs", version: "1.0.0", server: { entry: "server/index.js" } },
      server: "export function activate(ctx) { globalThis.__dirsTest = ctx.directories; }\n",
    });
    expect((await upload(admin, bundle)).status).toBe(201);
    expect((await admin.post("/api/v4/plugins/dirs/enable")).status).toBe(200);
    expect((globalThis as { __dirsTest?: unknown }).__dirsTest).toEqual({
      playbooks: "/tmp/sitrep-dirs-test",
      drafts: path.resolve("drafts"),
    });
    expect(process.env.SITREP_TEST_PLAYBOOKS_DIR).toBeUndefined();
  });
});
