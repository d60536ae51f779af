import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import { newId } from "#common/ids.ts";
import { eventually, hostConfigSchema, startTestServer, testDatabaseUrl, testDialect, type TestClient, type TestServer } from "#testing";
import { loadConfig } from "../config.ts";
import { dropPgSchema, migrate, openDatabase } from "../db/index.ts";
import { hostMigrations } from "../db/migrations/host.ts";
import { createHost } from "../host.ts";
import { isInternalAddress, parseAllowedConnections } from "./internal-address.ts";
import { outboundFetch } from "./outbound.ts";

const SETTING = "ServiceSettings.AllowedUntrustedInternalConnections";

let target: http.Server;
let other: http.Server;
let port: number;
let otherPort: number;

beforeAll(async () => {
  other = http.createServer((_req, res) => res.writeHead(200).end("other"));
  await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
  otherPort = (other.address() as AddressInfo).port;
  target = http.createServer((req, res) => {
    if (req.url === "/ok") res.writeHead(200, { "content-type": "text/plain", "x-answer": "42" }).end(`hello ${req.method}`);
    else if (req.url === "/to-other") res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/` }).end();
    else if (req.url === "/to-ok") res.writeHead(303, { location: "/ok" }).end();
    else if (req.url === "/big") res.writeHead(200, { "content-length": "2000" }).end("x".repeat(2000));
    else if (req.url === "/big-chunked") {
      res.writeHead(200);
      res.write("x".repeat(800));
      setTimeout(() => res.end("x".repeat(800)), 10);
    } else if (req.url === "/slow") setTimeout(() => res.writeHead(200).end("late"), 2_000);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
  port = (target.address() as AddressInfo).port;
});
afterAll(async () => {
  target.closeAllConnections();
  await new Promise<void>((r) => target.close(() => r()));
  await new Promise<void>((r) => other.close(() => r()));
});

const allowed = (value: string) => parseAllowedConnections(value).allowed;
const fetchWith = (list: string, urlPath: string, init = {}) =>
  outboundFetch({ url: `http://127.0.0.1:${port}${urlPath}`, init, allowed: allowed(list) });

describe("internal addresses", () => {
  it("tells internal addresses from public ones, IPv4 inside IPv6 included", () => {
    const internal = [
      "127.0.0.1",
      "127.8.9.10",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::",
      "::1",
      "fd00::1",
      "fe80::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "::ffff:10.0.0.1",
      "64:ff9b::a00:1",
      "::127.0.0.1",
    ];
    const external = ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"];
    expect(internal.filter((a) => !isInternalAddress(a))).toEqual([]);
    expect(external.filter((a) => isInternalAddress(a))).toEqual([]);
  });

  it("parses hosts, host:port and CIDR ranges, naming each bad entry", () => {
    expect(parseAllowedConnections("127.0.0.1:9000  10.0.0.0/8 hooks.internal [::1]:80, *.corp.example").problems).toEqual([]);
    expect(parseAllowedConnections("10.0.0.0/99 host:0 bad_host! 1.2.3.4/x").problems).toEqual([
      '"10.0.0.0/99" is not a CIDR range (e.g. 10.0.0.0/8)',
      '"host:0" has no valid port (1 to 65535)',
      '"bad_host!" is not a host, host:port or CIDR range',
      '"1.2.3.4/x" is not a CIDR range (e.g. 10.0.0.0/8)',
    ]);
  });
});

describe("outboundFetch", () => {
  it("refuses a local server unless it is listed, by address, address and port, or range", async () => {
    await expect(fetchWith("", "/ok")).rejects.toMatchObject({
      status: 403,
      id: "http.fetch.refused",
      message: `http.fetch: 127.0.0.1 port ${port} is an internal address; list it in ${SETTING} (SITREP_ALLOWED_INTERNAL_CONNECTIONS) to allow it`,
    });
    await expect(fetchWith(`127.0.0.1:${port + 1}`, "/ok")).rejects.toMatchObject({ id: "http.fetch.refused" });
    for (const list of ["127.0.0.1", `127.0.0.1:${port}`, "127.0.0.0/8"]) {
      const res = await fetchWith(list, "/ok", { method: "POST", body: "x" });
      expect(res).toMatchObject({ status: 200, text: "hello POST", url: `http://127.0.0.1:${port}/ok` });
      expect(res.headers["x-answer"]).toBe("42");
    }
  });

  it("checks the resolved address: localhost is refused though its name is not an IP", async () => {
    await expect(outboundFetch({ url: `http://localhost:${port}/ok`, allowed: allowed("") })).rejects.toMatchObject({
      status: 403,
      id: "http.fetch.refused",
      message: expect.stringMatching(
        new RegExp(`^http\\.fetch: localhost \\((127\\.0\\.0\\.1|::1)\\) port ${port} is an internal address; `),
      ),
    });
  });

  it("checks every redirect hop: follows one to an allowed place, refuses one to a place not listed", async () => {
    const followed = await fetchWith(`127.0.0.1:${port}`, "/to-ok", { method: "POST", body: "x" });
    expect(followed).toMatchObject({ status: 200, text: "hello GET", url: `http://127.0.0.1:${port}/ok` });
    await expect(fetchWith(`127.0.0.1:${port}`, "/to-other")).rejects.toMatchObject({
      id: "http.fetch.refused",
      message: expect.stringContaining(`http.fetch: 127.0.0.1 port ${otherPort} is an internal address`),
    });
    expect(await fetchWith(`127.0.0.1:${port}`, "/to-other", { maxRedirects: 0 })).toMatchObject({ status: 302, text: "" });
    expect(await fetchWith("127.0.0.0/8", "/to-other")).toMatchObject({ status: 200, text: "other" });
  });

  it("gives up after the timeout, and refuses answers over the size cap", async () => {
    await expect(fetchWith("127.0.0.1", "/slow", { timeoutMs: 100 })).rejects.toMatchObject({
      status: 424,
      id: "http.fetch.timeout",
      message: `http.fetch: 127.0.0.1:${port} did not answer within 100 ms`,
    });
    for (const urlPath of ["/big", "/big-chunked"])
      await expect(fetchWith("127.0.0.1", urlPath, { maxBytes: 1000 })).rejects.toMatchObject({
        status: 424,
        id: "http.fetch.too_large",
        message: `http.fetch: the answer from 127.0.0.1:${port} is larger than 1000 bytes`,
      });
    expect((await fetchWith("127.0.0.1", "/big", { maxBytes: 2000 })).text).toHaveLength(2000);
  });

  it("names the target when the connection fails", async () => {
    await expect(outboundFetch({ url: "http://127.0.0.1:1/x", allowed: allowed("127.0.0.1") })).rejects.toMatchObject({
      status: 424,
      id: "http.fetch.failed",
      message: expect.stringMatching(/^http\.fetch: GET http:\/\/127\.0\.0\.1:1\/x failed: /),
    });
  });
});

describe("the setting, through the config API", () => {
  let server: TestServer;
  let admin: TestClient;
  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.admin();
  });
  afterAll(async () => server.close());

  it("lets system admins read and set it, and ctx.http.fetch follows it", async () => {
    const user = await server.createUser();
    for (const res of [
      await user.get("/api/v4/config", apiErrorBodySchema),
      await user.put("/api/v4/config/patch", { ServiceSettings: {} }, apiErrorBodySchema),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.message).toBe("Only system admins may do that.");
    }
    expect((await admin.get("/api/v4/config")).body).toEqual({ ServiceSettings: { AllowedUntrustedInternalConnections: "" } });
    await expect(server.host.outbound.fetch(`http://127.0.0.1:${port}/ok`)).rejects.toMatchObject({ id: "http.fetch.refused" });
    const set = await admin.put("/api/v4/config/patch", {
      ServiceSettings: { AllowedUntrustedInternalConnections: ` 127.0.0.1:${port} ` },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ ServiceSettings: { AllowedUntrustedInternalConnections: `127.0.0.1:${port}` } });
    expect((await admin.get("/api/v4/config", hostConfigSchema)).body.ServiceSettings.AllowedUntrustedInternalConnections).toBe(
      `127.0.0.1:${port}`,
    );
    expect(await server.host.outbound.fetchForPlugin(`http://127.0.0.1:${port}/ok`)).toMatchObject({ status: 200, text: "hello GET" });
  });

  it("answers 400 naming the field for a bad value", async () => {
    const bad = await admin.put(
      "/api/v4/config/patch",
      {
        ServiceSettings: { AllowedUntrustedInternalConnections: "10.0.0.0/8 10.0.0.0/40" },
      },
      apiErrorBodySchema,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(`${SETTING}: "10.0.0.0/40" is not a CIDR range (e.g. 10.0.0.0/8)`);
    const wrongType = await admin.put(
      "/api/v4/config/patch",
      { ServiceSettings: { AllowedUntrustedInternalConnections: ["10.0.0.1"] } },
      apiErrorBodySchema,
    );
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toBe(`${SETTING}: must be a string of space-separated entries`);
  });

  it("adds the environment's entries (SITREP_ALLOWED_INTERNAL_CONNECTIONS) to the stored ones", async () => {
    const fromEnv = await startTestServer({
      allowedInternalConnections: loadConfig({ SITREP_ALLOWED_INTERNAL_CONNECTIONS: "127.0.0.0/8" }).allowedInternalConnections,
    });
    try {
      expect(await fromEnv.host.outbound.fetch(`http://127.0.0.1:${port}/ok`)).toMatchObject({ status: 200 });
    } finally {
      await fromEnv.close();
    }
  });
});

describe("the setting on disk", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-outbound-"));
  const pgSchema = testDialect === "postgres" ? `t_${newId()}` : undefined;
  const databaseUrl = testDialect === "postgres" ? testDatabaseUrl : undefined;
  afterAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (pgSchema) await dropPgSchema(testDatabaseUrl, pgSchema);
  });
  const config = () => loadConfig({ NODE_ENV: "test" }, { dataDir, databaseUrl, pgSchema });

  it("migrates the Workflow plugin's http_allowlist of a workspace made before the setting, once", async () => {
    const old = await openDatabase({ dataDir, databaseUrl, pgSchema });
    const first = hostMigrations(old.dialect)["0001_workspace"];
    if (!first) throw new Error("no 0001_workspace migration");
    await migrate({ db: old.db as unknown as Kysely<unknown>, namespace: "host", migrations: { "0001_workspace": first } });
    await old.db
      .insertInto("plugins")
      .values({
        id: "workflow",
        manifest: "{}",
        bundle: Buffer.from(""),
        checksum: "x",
        enabled: 1,
        settings: JSON.stringify({ http_allowlist: ["127.0.0.1:9000", "*.corp.example", "*", "not a host"] }),
        installed_at: 0,
        updated_at: 0,
      })
      .execute();
    await old.close();
    const a = await createHost(config());
    const b = await createHost(config());
    try {
      expect(await a.outbound.setting.stored()).toBe("127.0.0.1:9000 *.corp.example 0.0.0.0/0 ::/0");
      // The change made in one process reaches the other (through the bus on PostgreSQL; SQLite is one process).
      await a.outbound.setting.set("10.0.0.0/8");
      if (testDialect === "postgres")
        await eventually(async () => (await b.outbound.setting.stored()) === "10.0.0.0/8", { what: "the change on the other host" });
      else expect(await a.outbound.setting.stored()).toBe("10.0.0.0/8");
    } finally {
      await a.close();
      await b.close();
    }
    const again = await createHost(config());
    try {
      expect(await again.outbound.setting.stored()).toBe("10.0.0.0/8");
    } finally {
      await again.close();
    }
  });
});
