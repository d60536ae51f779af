/**
 * Plugin code failing outside a hook: timers through `ctx.timers` are logged
 * against the plugin and disposed with it; a plugin's own timer or forgotten
 * promise, in a real `sitrep serve` process, is logged and the server keeps
 * serving.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  captureLog,
  eventually,
  makeBundle,
  startServerProcess,
  startTestServer,
  testDatabaseUrl,
  testDialect,
  upload,
  type ServerProcess,
  type TestServer,
  type UserClient,
} from "#testing";
import { ManualClock } from "../clock.ts";
import { dropPgSchema } from "../db/index.ts";
import { newId } from "#common/ids.ts";
import { pluginOfError } from "./faults.ts";

describe("pluginOfError", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-faults-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("names the plugin whose extracted bundle threw, and no plugin for the host's own code", async () => {
    const pluginsDir = path.join(tmp, "plugins");
    const file = path.join(pluginsDir, "faulty", "0123abcd", "server", "index.js");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "export function boom() { throw new Error('from the bundle'); }\n");
    const bundle: unknown = await import(pathToFileURL(file).href);
    const boom = bundle && typeof bundle === "object" && "boom" in bundle ? bundle.boom : undefined;
    expect(typeof boom).toBe("function");
    let thrown: unknown;
    try {
      if (typeof boom === "function") boom();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(pluginOfError(thrown, pluginsDir)).toBe("faulty");
    expect(pluginOfError(new Error("from the host"), pluginsDir)).toBeNull();
    expect(pluginOfError("not even an error", pluginsDir)).toBeNull();
  });
});

/** A plugin with a ticking interval (counted in its KV store) that throws on its second tick, and a throwing timeout. */
const ticker = makeBundle({
  manifest: { id: "ticker", name: "Ticker", version: "1.0.0", server: { entry: "server/index.js" } },
  server: `
export function activate(ctx) {
  let ticks = 0;
  ctx.timers.setInterval(async () => {
    ticks += 1;
    await ctx.kv.set("ticks", ticks);
    if (ticks === 2) throw new Error("tick two failed");
  }, 1000);
  ctx.timers.setTimeout(() => { throw new Error("the timeout failed"); }, 1500);
}
`,
});

describe("ctx.timers", () => {
  const clock = new ManualClock();
  const log = captureLog();
  let server: TestServer;
  let admin: UserClient;
  beforeAll(async () => {
    server = await startTestServer({ clock, logLevel: "error", logDestination: log.destination });
    admin = await server.admin();
    expect((await upload(admin, ticker)).status).toBe(201);
    expect((await admin.post("/api/v4/plugins/ticker/enable")).status).toBe(200);
  });
  afterAll(async () => server?.close());

  const ticks = async () => {
    const row = await server.host.db
      .selectFrom("plugin_kv")
      .select("value")
      .where("plugin_id", "=", "ticker")
      .where("key", "=", "ticks")
      .executeTakeFirst();
    return row ? Number(row.value) : 0;
  };

  it("log a throwing callback against the plugin and keep ticking", async () => {
    await clock.advance(3000);
    expect(await ticks()).toBe(3);
    expect(log.find("interval callback threw")).toEqual([
      expect.objectContaining({ level: "error", plugin_id: "ticker", error: "tick two failed" }),
    ]);
    expect(log.find("timeout callback threw")).toEqual([
      expect.objectContaining({ level: "error", plugin_id: "ticker", error: "the timeout failed" }),
    ]);
  });

  it("are disposed when the plugin is disabled", async () => {
    // The host keeps timers of its own on the clock (the account sweeper): only the plugin's go.
    const before = clock.pending;
    expect((await admin.post("/api/v4/plugins/ticker/disable")).status).toBe(200);
    expect(clock.pending).toBeLessThan(before);
    await clock.advance(5000);
    expect(await ticks()).toBe(3);
  });
});

/** A plugin that throws from its own timers and leaves a rejection unhandled, at activation and on request. */
const faulty = makeBundle({
  manifest: { id: "faulty", name: "Faulty", version: "1.0.0", server: { entry: "server/index.js" } },
  server: `
function throwLater(message) {
  setTimeout(() => { throw new Error(message); }, 10);
}
export function activate(ctx) {
  throwLater("thrown from the plugin's own timer");
  void Promise.reject(new Error("a promise the plugin forgot"));
  ctx.http.route({ method: "POST", path: "/boom", policy: "open", auth: "none", handler() {
    throwLater("thrown again, on request");
    return { status: "OK" };
  } });
}
`,
});

describe("a real server process with a faulty plugin", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-faulty-"));
  const pgSchema = testDialect === "postgres" ? `t_${newId()}` : undefined;
  let proc: ServerProcess;
  beforeAll(async () => {
    const bundles = path.join(tmp, "bundles");
    fs.mkdirSync(bundles);
    fs.writeFileSync(path.join(bundles, "faulty.tar.gz"), faulty);
    proc = await startServerProcess({
      dataDir: path.join(tmp, "data"),
      databaseUrl: pgSchema ? testDatabaseUrl : undefined,
      pgSchema,
      prepackagedPluginsDir: bundles,
    });
  });
  afterAll(async () => {
    await proc?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (pgSchema) await dropPgSchema(testDatabaseUrl, pgSchema);
  });

  /** The process's log entries with this message. */
  const logged = (msg: string) =>
    proc
      .output()
      .split("\n")
      .filter((line) => line.includes(`"msg":"${msg}"`));

  it("logs the plugin's errors against it and keeps serving", async () => {
    await eventually(() => logged("plugin code threw outside a hook; the server keeps serving").length === 1, {
      what: "the timer's exception in the log",
    });
    await eventually(() => logged("plugin code left a promise rejection unhandled; the server keeps serving").length === 1, {
      what: "the rejection in the log",
    });
    expect(logged("plugin code threw outside a hook; the server keeps serving")[0]).toContain(`"plugin_id":"faulty"`);
    expect(logged("plugin code threw outside a hook; the server keeps serving")[0]).toContain("thrown from the plugin's own timer");
    expect(logged("plugin code left a promise rejection unhandled; the server keeps serving")[0]).toContain("a promise the plugin forgot");

    for (let i = 0; i < 3; i++) expect((await fetch(`${proc.url}/plugins/faulty/boom`, { method: "POST" })).status).toBe(200);
    await eventually(() => logged("plugin code threw outside a hook; the server keeps serving").length === 4, {
      what: "the three exceptions on request in the log",
    });
    const ping = await fetch(`${proc.url}/api/v4/system/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.json()).toMatchObject({ status: "OK" });
    expect(logged("uncaught exception in the host; the process exits")).toEqual([]);
  });
});
