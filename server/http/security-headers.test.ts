/**
 * The browser-hardening headers on every kind of answer: the web app's page,
 * its files, an API answer, an API error, the not-found answer and the
 * router's own refusals; and the Content-Security-Policy they carry is
 * strict (no inline or eval script, no framing).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "#testing";

let server: TestServer;
let webDir: string;

beforeAll(async () => {
  webDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-web-"));
  fs.writeFileSync(path.join(webDir, "index.html"), '<!doctype html><script type="module" src="/static/app/main.js"></script>');
  fs.writeFileSync(path.join(webDir, "main.js"), "export {};");
  server = await startTestServer({ webDistDir: webDir });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(webDir, { recursive: true, force: true });
});

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | null): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (header ?? "").split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values);
  }
  return map;
}

describe("security headers", () => {
  it("are on pages, files, API answers, errors, the not-found answer and router refusals", async () => {
    const admin = await server.admin();
    const answers = {
      page: await fetch(`${server.url}/some-team/channels/town-square`),
      file: await fetch(`${server.url}/static/app/main.js`),
      api: await fetch(`${server.url}/api/v4/system/ping`),
      signedIn: await fetch(`${server.url}/api/v4/users/me`, { headers: { authorization: `Bearer ${admin.token}` } }),
      unauthorized: await fetch(`${server.url}/api/v4/users/me`),
      notFound: await fetch(`${server.url}/api/v4/nothing-here`),
      badUrl: await fetch(`${server.url}/api/v4/users/%E0%A4%A`),
    };
    expect(answers.page.status).toBe(200);
    expect(answers.badUrl.status).toBe(400);
    for (const [kind, res] of Object.entries(answers)) {
      const headers = {
        kind,
        csp: Boolean(res.headers.get("content-security-policy")),
        nosniff: res.headers.get("x-content-type-options"),
        referrer: res.headers.get("referrer-policy"),
        frame: res.headers.get("x-frame-options"),
        hsts: res.headers.get("strict-transport-security"),
      };
      expect(headers).toEqual({
        kind,
        csp: true,
        nosniff: "nosniff",
        referrer: "strict-origin-when-cross-origin",
        frame: "DENY",
        hsts: null,
      });
    }
  });

  it("carry a strict Content-Security-Policy", async () => {
    const csp = directives((await fetch(`${server.url}/`)).headers.get("content-security-policy"));
    expect(csp.get("script-src")).toEqual(["'self'"]);
    expect(csp.get("script-src-attr")).toEqual(["'none'"]);
    expect(csp.get("style-src")).toEqual(["'self'"]);
    expect(csp.get("default-src")).toEqual(["'self'"]);
    expect(csp.get("img-src")).toEqual(["'self'", "data:", "blob:"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
    for (const [name, values] of csp) {
      expect(values, name).not.toContain("'unsafe-inline'");
      expect(values, name).not.toContain("'unsafe-eval'");
    }
  });
});
