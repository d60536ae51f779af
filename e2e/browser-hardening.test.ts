/**
 * Browser hardening under the page's Content-Security-Policy: the harness
 * reports a violation (so every other browser test fails on one), the
 * plugins' CSS arrives as files, and a remote image in a message is shown
 * through the image proxy, never fetched from the remote host by the browser.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

/** The smallest valid PNG: 1 × 1 pixel. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

let e2e: E2E;
let images: http.Server;
let imageBase: string;
/** The requests the remote image server got, with their client's user agent. */
const imageRequests: Array<{ url: string; agent: string }> = [];

beforeAll(async () => {
  images = http.createServer((req, res) => {
    imageRequests.push({ url: req.url ?? "", agent: req.headers["user-agent"] ?? "" });
    res.writeHead(200, { "content-type": "image/png" }).end(PNG);
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  const port = (images.address() as AddressInfo).port;
  imageBase = `http://127.0.0.1:${port}`;
  // The built first-party plugins, installed and enabled on first run as in production.
  const prepackagedPluginsDir = path.resolve(import.meta.dirname, "..", "dist", "plugins");
  e2e = await startE2E({ config: { allowedInternalConnections: `127.0.0.1:${port}`, prepackagedPluginsDir } });
});
afterAll(async () => {
  await e2e?.close();
  images.closeAllConnections();
  await new Promise<void>((resolve) => images.close(() => resolve()));
});

describe("browser hardening", () => {
  test("an inline script is refused by the CSP, and the harness reports the violation", async () => {
    const admin = await e2e.server.admin();
    const { team } = await createTeamWithTownSquare(e2e.server, admin);
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "document.body.dataset.inline = 'ran'";
      document.head.append(script);
    });
    let reported = "";
    const report = () => {
      try {
        e2e.assertNoConsoleErrors();
      } catch (error) {
        reported += String(error);
      }
      return reported;
    };
    await expect.poll(report).toMatch(/CSP violation: script-src-elem blocked inline/);
    await expect(page.evaluate(() => document.body.dataset.inline)).resolves.toBeUndefined();
  });

  test("plugins' CSS is linked as files and applies", async () => {
    const admin = await e2e.server.admin();
    const { team } = await createTeamWithTownSquare(e2e.server, admin);
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    const sheet = page.locator('link[rel="stylesheet"][data-plugin="incident"][href$="/web/styles.css"]');
    await sheet.waitFor({ state: "attached" });
    await expect(sheet.getAttribute("href")).resolves.toMatch(/^\/static\/plugins\/incident\/[a-f0-9]{64}\/web\/styles\.css$/);
    await expect
      .poll(() => page.evaluate(() => [...document.styleSheets].some((s) => s.href?.endsWith("/web/styles.css") && s.cssRules.length > 0)))
      .toBe(true);
    await expect(page.locator("style").count()).resolves.toBe(0);
    e2e.assertNoConsoleErrors();
  });

  test("a remote image in a message is shown through the image proxy", async () => {
    const admin = await e2e.server.admin();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin);
    await e2e.server.createPost(admin, { channelId: channel.id, message: `a chart ![chart](${imageBase}/chart.png)` });
    const { page } = await e2e.open({ user: admin, path: `/${team.name}/channels/town-square` });
    const image = page.locator('.post-list img[alt="chart"]');
    await image.waitFor();
    await expect(image.getAttribute("src")).resolves.toBe(`/api/v4/image?url=${encodeURIComponent(`${imageBase}/chart.png`)}`);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    // Only the server fetched it: no request came from the browser.
    expect(imageRequests.map((r) => r.url)).toContain("/chart.png");
    expect(imageRequests.filter((r) => /Chrome/.test(r.agent))).toEqual([]);
    e2e.assertNoConsoleErrors();
  });
});
