/**
 * The image proxy (`GET /api/v4/image?url=`) against a local image server:
 * images served from Sitrep's origin with their sniffed type, and refusals
 * for what is not an allowed image, too large, an unlisted internal address,
 * a bad URL, anonymous callers, and every request when SITREP_IMAGE_PROXY=off.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import { startTestServer, type TestServer, type UserClient } from "#testing";
import { IMAGE_MAX_BYTES } from "./image-proxy.ts";

/** The smallest valid PNG: 1 × 1 pixel. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';

let images: http.Server;
let base: string;
let server: TestServer;
let alice: UserClient;

beforeAll(async () => {
  images = http.createServer((req, res) => {
    if (req.url === "/a.png") res.writeHead(200, { "content-type": "image/png" }).end(PNG);
    else if (req.url === "/labelled.png") res.writeHead(200, { "content-type": "image/png" }).end("<html><script>alert(1)</script></html>");
    else if (req.url === "/a.svg") res.writeHead(200, { "content-type": "image/svg+xml" }).end(SVG);
    else if (req.url === "/huge.png")
      res.writeHead(200, { "content-type": "image/png" }).end(Buffer.concat([PNG, Buffer.alloc(IMAGE_MAX_BYTES)]));
    else res.writeHead(404).end("no");
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  const port = (images.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  server = await startTestServer({ allowedInternalConnections: `127.0.0.1:${port}` });
  alice = await server.createUser();
});
afterAll(async () => {
  await server?.close();
  images.closeAllConnections();
  await new Promise<void>((resolve) => images.close(() => resolve()));
});

const proxied = (url: string) => `/api/v4/image?url=${encodeURIComponent(url)}`;

describe("GET /api/v4/image", () => {
  it("serves a remote PNG from Sitrep's origin with its sniffed type", async () => {
    const res = await fetch(server.url + proxied(`${base}/a.png`), { headers: { authorization: `Bearer ${alice.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("private, max-age=3600");
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it("refuses what is not an allowed image type by its bytes, whatever its label says", async () => {
    for (const file of ["labelled.png", "a.svg"]) {
      const res = await alice.get(proxied(`${base}/${file}`), apiErrorBodySchema);
      expect(res.status, file).toBe(424);
      expect(res.body.id).toBe("api.image.not_image");
      expect(res.body.message).toMatch(/^url: 127\.0\.0\.1:\d+ answered .* that is not an image of a type served \(image\/png, /);
    }
  });

  it("refuses an image larger than the limit, and a remote error", async () => {
    const huge = await alice.get(proxied(`${base}/huge.png`), apiErrorBodySchema);
    expect(huge.status).toBe(424);
    expect(huge.body).toMatchObject({
      id: "http.fetch.too_large",
      message: expect.stringContaining(`larger than ${IMAGE_MAX_BYTES} bytes`),
    });
    const missing = await alice.get(proxied(`${base}/gone.png`), apiErrorBodySchema);
    expect(missing.status).toBe(424);
    expect(missing.body).toMatchObject({
      id: "api.image.upstream",
      message: expect.stringMatching(/^url: 127\.0\.0\.1:\d+ answered 404$/),
    });
  });

  it("keeps to the internal-address rule: an unlisted internal address is refused", async () => {
    const res = await alice.get(proxied("http://127.0.0.1:1/a.png"), apiErrorBodySchema);
    expect(res.status).toBe(403);
    expect(res.body.id).toBe("http.fetch.refused");
    expect(res.body.message).toContain("127.0.0.1 port 1 is an internal address");
  });

  it("refuses URLs that are not absolute http(s), with credentials, or missing", async () => {
    for (const [url, message] of [
      ["javascript:alert(1)", "url: must be an absolute http or https URL"],
      ["/api/v4/users/me", "url: must be an absolute http or https URL"],
      [`http://user:pw@127.0.0.1/a.png`, "url: must not hold a user name or password"],
    ] as const) {
      const res = await alice.get(proxied(url), apiErrorBodySchema);
      expect({ url, status: res.status, message: res.body.message }).toEqual({ url, status: 400, message });
    }
    const missing = await alice.get("/api/v4/image", apiErrorBodySchema);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/^url: /);
  });

  it("answers anonymous callers 401", async () => {
    const res = await server.anonymous.get(proxied(`${base}/a.png`), apiErrorBodySchema);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("You must be signed in to do that.");
  });
});

describe("SITREP_IMAGE_PROXY=off", () => {
  it("refuses every remote image with a 403 naming the setting", async () => {
    const off = await startTestServer({ imageProxy: false, allowedInternalConnections: base.replace("http://", "") });
    try {
      const bob = await off.createUser();
      const res = await bob.get(proxied(`${base}/a.png`), apiErrorBodySchema);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({
        id: "api.context.permissions",
        message: "Remote images are turned off on this server (SITREP_IMAGE_PROXY=off).",
      });
    } finally {
      await off.close();
    }
  });
});
