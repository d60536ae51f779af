/**
 * Files in a real browser with two users: a pasted screenshot shows inline
 * for both and opens large; files dropped on the channel or picked with the
 * attach button are uploaded with their progress; the 413 over the size
 * limit is shown on the file; and an HTML page and an SVG uploaded as
 * `image/png` are stored as what they are, served as attachments, and run
 * no script when their address is opened.
 */
import zlib from "node:zlib";
import * as z from "zod/mini";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { fileInfoSchema, postListSchema } from "#common/wire-schemas.ts";
import { formatFileSize } from "../web/src/components/file-display.ts";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

/** The size limit of this file's server, in MB (a 60 KB file is over it). */
const MAX_FILE_MB = 0.05;

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({ config: { maxFileMb: MAX_FILE_MB } });
});
afterAll(async () => {
  await e2e?.close();
});

/** A PNG of `width` × `height` pixels in blocks of colour (a real image that decodes, and small: blocks compress well). */
function pngImage(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rows.set([Math.floor(x / 40) * 50, Math.floor(y / 40) * 80, 160], y * (width * 3 + 1) + 1 + x * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Two members of a new team's Town Square, each in a browser on it with the WebSocket open. */
async function twoUsersInTownSquare(name: string) {
  const admin = await e2e.server.admin();
  const alice = await e2e.server.createUser();
  const bob = await e2e.server.createUser();
  const { team, channel } = await createTeamWithTownSquare(e2e.server, admin, { name, members: [alice, bob] });
  const a = await e2e.open({ user: alice, path: `/${team.name}/channels/town-square` });
  const b = await e2e.open({ user: bob, path: `/${team.name}/channels/town-square` });
  for (const p of [a.page, b.page]) {
    await p.getByRole("textbox", { name: /Write to/ }).waitFor();
    await p.locator(".connection").waitFor({ state: "detached" });
  }
  return { team, channel, alice, bob, a, b };
}

/** Dispatch a paste of these files (as the clipboard holds a screenshot) on the message box. */
async function pasteFiles(page: Page, files: Array<{ name: string; type: string; base64: string }>) {
  await page.getByRole("textbox", { name: /Write to/ }).evaluate((box, list) => {
    const data = new DataTransfer();
    for (const f of list) data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, files);
}

describe("files", () => {
  test("a pasted PNG shows inline for both users, opens large with a download link, and Esc closes it", async () => {
    const { a, b } = await twoUsersInTownSquare("paste");
    const png = pngImage(240, 120);
    await pasteFiles(a.page, [{ name: "image.png", type: "image/png", base64: png.toString("base64") }]);

    const pending = a.page.getByRole("list", { name: "Files to send" }).getByRole("listitem");
    await pending.and(a.page.locator('[data-status="uploaded"]')).waitFor();
    await expect(pending.locator(".pending-file-name").textContent()).resolves.toMatch(
      /^Pasted image \d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.png$/,
    );
    await expect(pending.locator(".pending-file-size").textContent()).resolves.toBe(formatFileSize(png.length));
    const composer = a.page.getByRole("textbox", { name: /Write to/ });
    await composer.fill("error rate graph");
    await composer.press("Enter");
    await a.page.getByRole("list", { name: "Files to send" }).waitFor({ state: "detached" });

    for (const p of [a.page, b.page]) {
      const image = p.locator(".post", { hasText: "error rate graph" }).getByRole("img", { name: /^Pasted image/ });
      await image.waitFor({ timeout: 10_000 });
      // The preview decoded: a real image of the pasted size, shown at it (it fits the preview box).
      await expect
        .poll(() => image.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.naturalHeight]))
        .toEqual([true, 240, 120]);
      await expect(image.getAttribute("src")).resolves.toMatch(/^\/api\/v4\/files\/[a-z0-9]{26}\/preview$/);
    }

    // Bob opens it large; the viewer has the full image and a download link; Esc closes it and focus comes back.
    const open = b.page.getByRole("button", { name: /^Open image Pasted image/ });
    await open.click();
    const viewer = b.page.getByRole("dialog", { name: /^Pasted image/ });
    await viewer.waitFor();
    const full = viewer.getByRole("img", { name: /^Pasted image/ });
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(240);
    await expect(full.getAttribute("src")).resolves.toMatch(/^\/api\/v4\/files\/[a-z0-9]{26}$/);
    const download = viewer.getByRole("link", { name: "Download" });
    await expect(download.getAttribute("download")).resolves.toMatch(/^Pasted image .*\.png$/);
    const [file] = await Promise.all([b.page.waitForEvent("download"), download.click()]);
    expect(file.suggestedFilename()).toMatch(/^Pasted image .*\.png$/);
    expect(await e2e.axe(b.page)).toEqual([]);
    await e2e.screenshot(b.page, "image-viewer");
    await b.page.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached" });
    await expect(open.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    e2e.assertNoConsoleErrors();
  });

  test("files dropped on the channel upload with their progress, can be removed, and send without a message", async () => {
    const { a, b } = await twoUsersInTownSquare("drop");
    // A slow upload, so its progress is seen.
    const cdp = await a.context.newCDPSession(a.page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 16 * 1024 });
    const big = Buffer.alloc(40 * 1024, "incident timeline line\n");
    const note = Buffer.from("runbook: restart the payments worker\n");
    await a.page.locator(".post-list").evaluate(
      (list, files) => {
        const data = new DataTransfer();
        for (const f of files) data.items.add(new File([f.text], f.name, { type: "text/plain" }));
        list.dispatchEvent(new DragEvent("dragenter", { dataTransfer: data, bubbles: true, cancelable: true }));
        list.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      [{ name: "timeline.txt", text: big.toString() }],
    );
    await a.page.locator(".drop-overlay", { hasText: "Drop files to attach them to Town Square" }).waitFor();
    await a.page.locator(".post-list").evaluate(
      (list, files) => {
        const data = new DataTransfer();
        for (const f of files) data.items.add(new File([f.text], f.name, { type: "text/plain" }));
        list.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
      },
      [
        { name: "timeline.txt", text: big.toString() },
        { name: "runbook.md", text: note.toString() },
      ],
    );
    await a.page.locator(".drop-overlay").waitFor({ state: "detached" });
    const files = a.page.getByRole("list", { name: "Files to send" });
    const timeline = files.getByRole("listitem").filter({ hasText: "timeline.txt" });
    const progress = timeline.getByRole("progressbar", { name: "Uploading timeline.txt" });
    await progress.waitFor();
    // Send waits for the uploads.
    const send = a.page.getByRole("button", { name: "Send" });
    await expect(send.isDisabled()).resolves.toBe(true);
    await expect.poll(() => progress.evaluate((el: HTMLProgressElement) => el.value), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect(timeline.textContent()).resolves.toMatch(/40 KB · \d+%/);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await timeline.and(a.page.locator('[data-status="uploaded"]')).waitFor({ timeout: 20_000 });

    // The runbook is taken off again; focus returns to the message box.
    const runbook = files.getByRole("listitem").filter({ hasText: "runbook.md" });
    await runbook.and(a.page.locator('[data-status="uploaded"]')).waitFor();
    await runbook.getByRole("button", { name: "Remove runbook.md" }).click();
    await runbook.waitFor({ state: "detached" });
    await expect(a.page.getByRole("textbox", { name: /Write to/ }).evaluate((el) => el === document.activeElement)).resolves.toBe(true);

    // A message of files only.
    await expect(send.isEnabled()).resolves.toBe(true);
    await send.click();
    for (const p of [a.page, b.page]) {
      const card = p.locator(".post .file-card", { hasText: "timeline.txt" });
      await card.waitFor({ timeout: 10_000 });
      await expect(card.textContent()).resolves.toContain("Text (TXT) · 40 KB");
      await expect(p.locator(".post .file-card", { hasText: "runbook.md" }).count()).resolves.toBe(0);
    }
    const link = b.page.getByRole("link", { name: "timeline.txt" });
    const [download] = await Promise.all([b.page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("timeline.txt");
    e2e.assertNoConsoleErrors();
  });

  test("a file over the size limit shows the server's 413 on it, and is not sent", async () => {
    const { a } = await twoUsersInTownSquare("too-big");
    a.allow(/status of 413/);
    await a.page
      .locator('input[type="file"]')
      .setInputFiles([{ name: "core.dump", mimeType: "application/octet-stream", buffer: Buffer.alloc(60 * 1024, 1) }]);
    const failed = a.page.getByRole("list", { name: "Files to send" }).getByRole("listitem").filter({ hasText: "core.dump" });
    await failed.and(a.page.locator('[data-status="failed"]')).waitFor({ timeout: 10_000 });
    await expect(failed.getByRole("alert").textContent()).resolves.toBe(
      `files: a file is larger than the limit of ${MAX_FILE_MB} MB (SITREP_MAX_FILE_MB)`,
    );
    await expect(a.page.getByRole("button", { name: "Send" }).isDisabled()).resolves.toBe(true);
    expect(await e2e.axe(a.page)).toEqual([]);
    await e2e.screenshot(a.page, "upload-too-large");
    await failed.getByRole("button", { name: "Remove core.dump" }).click();
    await a.page.getByRole("list", { name: "Files to send" }).waitFor({ state: "detached" });
    e2e.assertNoConsoleErrors();
  });

  test("an HTML page and an SVG uploaded as image/png are stored as what they are, served as attachments, and run no script", async () => {
    const { team, channel, alice, a, b } = await twoUsersInTownSquare("hostile");
    // The files call this binding (and set the title and window.name) if they ever run.
    const ran: string[] = [];
    for (const ctx of [a.context, b.context]) await ctx.exposeBinding("sitrepFileRan", (_source, which: string) => void ran.push(which));
    const script = (which: string) =>
      `window.sitrepFileRan && window.sitrepFileRan("${which}"); document.title = "ran ${which}"; window.name = "ran ${which}";`;
    const html = `<!doctype html><html><body><h1>hi</h1><script>${script("html")}</script><img src=x onerror='${script("html-img")}'></body></html>`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" onload='${script("svg-onload")}'><script>${script("svg")}</script><circle r="10"/></svg>`;

    // A control: the binding works, so the assertions below could fail.
    const control = await a.context.newPage();
    await control.setContent(`<script>${script("control")}</script>`);
    await expect.poll(() => ran).toEqual(["control"]);
    await control.close();
    ran.length = 0;

    // Picked with the attach button, claiming to be PNGs.
    await a.page.getByRole("button", { name: "Attach files" }).waitFor();
    await a.page.locator('input[type="file"]').setInputFiles([
      { name: "report.html", mimeType: "image/png", buffer: Buffer.from(html) },
      { name: "chart.svg", mimeType: "image/png", buffer: Buffer.from(svg) },
    ]);
    const pending = a.page.getByRole("list", { name: "Files to send" });
    await pending.locator('[data-status="uploaded"]').nth(1).waitFor();
    await a.page.getByRole("textbox", { name: /Write to/ }).fill("hostile files");
    await a.page.getByRole("button", { name: "Send" }).click();

    // Both browsers show them as cards, never as images.
    for (const p of [a.page, b.page]) {
      const post = p.locator(".post", { hasText: "hostile files" });
      await post.locator(".file-card").nth(1).waitFor({ timeout: 10_000 });
      await expect(post.locator(".file-card-name").allTextContents()).resolves.toEqual(["report.html", "chart.svg"]);
      await expect(post.getByRole("img").count()).resolves.toBe(0);
    }

    // Stored with the type sniffed from their bytes, served as attachments, nosniff and sandboxed.
    const posts = (await alice.get(`/api/v4/channels/${channel.id}/posts`, postListSchema)).body;
    const infos = (await alice.get(`/api/v4/posts/${posts.order[0]}/files/info`, z.array(fileInfoSchema))).body;
    expect(infos.map((f) => f.name).sort()).toEqual(["chart.svg", "report.html"]);
    for (const info of infos) {
      expect(info.mime_type).not.toBe("image/png");
      expect(info.mime_type).not.toMatch(/html|svg/);
      expect(info.has_preview_image).toBe(false);
      const served = await b.context.request.get(`/api/v4/files/${info.id}`);
      expect(served.status()).toBe(200);
      expect(served.headers()["content-disposition"]).toMatch(/^attachment;/);
      expect(served.headers()["x-content-type-options"]).toBe("nosniff");
      expect(served.headers()["content-security-policy"]).toContain("sandbox");
      expect(served.headers()["content-type"]).toBe(info.mime_type);
    }

    // Opening each address in Chromium (typed in, and in a frame of the app) downloads it and runs nothing.
    const viewer = await b.context.newPage();
    await viewer.goto(`/${team.name}/channels/town-square`);
    await viewer.getByRole("textbox", { name: /Write to/ }).waitFor();
    for (const info of infos) {
      for (const path of [`/api/v4/files/${info.id}`, `/api/v4/files/${info.id}/preview`]) {
        const tab = await b.context.newPage();
        const [download] = await Promise.all([tab.waitForEvent("download"), tab.goto(path).catch(() => undefined)]);
        expect(download.suggestedFilename()).toBe(info.name);
        await expect(tab.evaluate(() => [document.title, window.name])).resolves.toEqual(["", ""]);
        await tab.close();
      }
      const [framed] = await Promise.all([
        viewer.waitForEvent("download"),
        viewer.evaluate((src) => {
          const frame = document.createElement("iframe");
          frame.title = "file";
          frame.src = src;
          document.body.append(frame);
        }, `/api/v4/files/${info.id}`),
      ]);
      expect(framed.suggestedFilename()).toBe(info.name);
    }
    await expect(viewer.evaluate(() => [document.title.startsWith("ran"), window.name])).resolves.toEqual([false, ""]);
    expect(ran).toEqual([]);
    e2e.assertNoConsoleErrors();
  });
});
