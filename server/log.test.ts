import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { createLogger, fastifyLogging, redactUrl } from "./log.ts";

/** A logger writing into an array of parsed entries. */
function capture(level: string) {
  const entries: Array<Record<string, unknown>> = [];
  const log = createLogger(level, { destination: { write: (line: string) => void entries.push(JSON.parse(line)) } });
  return { log, entries };
}

describe("the server's logger", () => {
  it("writes one JSON entry per call with time, level, message and fields", () => {
    const { log, entries } = capture("info");
    log.child({ plugin_id: "incident" }).warn("slow hook", { ms: 2100 });
    expect(entries).toEqual([
      {
        level: "warn",
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        pid: process.pid,
        plugin_id: "incident",
        ms: 2100,
        msg: "slow hook",
      },
    ]);
  });

  it("redacts tokens, passwords, secrets, cookies and Authorization headers", () => {
    const { log, entries } = capture("info");
    log.info("signed in", {
      username: "ann",
      token: "tok-123",
      password: "hunter22",
      user: { id: "u1", password: "hunter22", token: "tok-456" },
      webhook: { secret: "whsec_abc" },
      headers: { authorization: "Bearer tok-123", cookie: "MMAUTHTOKEN=tok-123", "content-type": "application/json" },
    });
    expect(entries[0]).toMatchObject({
      msg: "signed in",
      username: "ann",
      token: "[redacted]",
      password: "[redacted]",
      user: { id: "u1", password: "[redacted]", token: "[redacted]" },
      webhook: { secret: "[redacted]" },
      headers: { authorization: "[redacted]", cookie: "[redacted]", "content-type": "application/json" },
    });
    expect(JSON.stringify(entries)).not.toMatch(/tok-\d|hunter22|whsec_abc/);
  });

  it("keeps SITREP_LOG_LEVEL's levels: debug, info, warn, error, silent; anything else is info", () => {
    const written = (level: string) => {
      const { log, entries } = capture(level);
      log.debug("d");
      log.info("i");
      log.warn("w");
      log.error("e");
      return entries.map((e) => e.msg);
    };
    expect(written("debug")).toEqual(["d", "i", "w", "e"]);
    expect(written("info")).toEqual(["i", "w", "e"]);
    expect(written("warn")).toEqual(["w", "e"]);
    expect(written("error")).toEqual(["e"]);
    expect(written("silent")).toEqual([]);
    expect(written("loud")).toEqual(["i", "w", "e"]);
  });

  it("logs an Error field with its message and stack", () => {
    const { log, entries } = capture("info");
    log.error("plugin failed", { error: new Error("boom") });
    expect(entries[0]?.error).toMatchObject({ type: "Error", message: "boom", stack: expect.stringContaining("Error: boom") });
  });

  it("gives Fastify's request logs a request_id and hides an incoming webhook's id", async () => {
    const { log, entries } = capture("info");
    const app = Fastify(fastifyLogging(log));
    app.post("/hooks/:id", async () => ({ ok: true }));
    const res = await app.inject({
      method: "POST",
      url: "/hooks/abcdefghijklmnopqrstuvwxyz?token=tok-123",
      headers: { authorization: "Bearer tok-123" },
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    await app.close();
    const [incoming, completed] = entries.filter((e) => e.msg === "incoming request" || e.msg === "request completed");
    expect(incoming).toMatchObject({
      level: "info",
      request_id: expect.stringMatching(/^[a-z0-9]{26}$/),
      req: { method: "POST", url: "/hooks/[redacted]?token=%5Bredacted%5D" },
    });
    expect(completed).toMatchObject({ request_id: incoming?.request_id, res: { statusCode: 200 } });
    expect(JSON.stringify(entries)).not.toMatch(/abcdefghijklmnopqrstuvwxyz|tok-123/);
  });

  it("redacts URLs: webhook ids and credential query parameters, nothing else", () => {
    expect(redactUrl("/api/v4/users/me")).toBe("/api/v4/users/me");
    expect(redactUrl("/hooks/abc123")).toBe("/hooks/[redacted]");
    expect(redactUrl("/api/v4/websocket?access_token=x&connection_id=c")).toBe(
      "/api/v4/websocket?access_token=%5Bredacted%5D&connection_id=c",
    );
    expect(redactUrl("/api/v4/channels/c1/posts?page=0")).toBe("/api/v4/channels/c1/posts?page=0");
  });
});
