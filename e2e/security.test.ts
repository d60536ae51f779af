/**
 * What the browser must never do: run code from a message (script tags,
 * event handlers, javascript: links, SVG, attachments), or show a private
 * channel to someone who is not in it.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTeamWithTownSquare, startE2E, type E2E } from "./harness.ts";

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const SET = "window.__xss=1";
const PAYLOADS = [
  `<script>${SET}</script>`,
  `<img src=x onerror="${SET}">`,
  `<svg onload="${SET}"><circle r="10"/></svg>`,
  `<svg><script>${SET}</script></svg>`,
  `<iframe src="javascript:${SET}"></iframe>`,
  `<a href="javascript:${SET}">html link</a>`,
  `[md link](javascript:${SET})`,
  `[mixed case](JaVaScRiPt:${SET})`,
  `[entity](&#106;avascript:${SET})`,
  `<javascript:${SET}>`,
  `![img](x" onerror="${SET})`,
  `<details open ontoggle="${SET}">x</details>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${SET}>`,
  `<a href="data:text/html,<script>${SET}</script>">data link</a>`,
  `<body onload="${SET}">`,
  `<input autofocus onfocus="${SET}">`,
  "`<img src=x onerror=" + SET + ">` in code",
];

describe("security", () => {
  test("XSS payloads in messages, attachments and channel headers execute nothing", async () => {
    const admin = await e2e.server.admin();
    const { team, channel } = await createTeamWithTownSquare(e2e.server, admin);
    const res = await admin.post("/api/v4/channels", {
      team_id: team.id,
      name: "xss",
      display_name: "xss",
      type: "O",
      header: `[header](javascript:${SET}) <img src=x onerror="${SET}">`,
    });
    expect(res.status).toBe(201);
    for (const message of PAYLOADS) await e2e.server.createPost(admin, { channelId: channel.id, message });
    const attachmentPost = await admin.post("/api/v4/posts", {
      channel_id: channel.id,
      message: "alert with attachments",
      props: {
        attachments: [
          {
            color: "red;background:url(javascript:alert(1))",
            pretext: `<img src=x onerror="${SET}">`,
            title: "<b>title</b>",
            title_link: `javascript:${SET}`,
            author_name: "Alertmanager",
            author_link: `javascript:${SET}`,
            text: `<script>${SET}</script> [t](javascript:${SET})`,
            fields: [{ title: "<i>f</i>", value: `<svg onload="${SET}">`, short: true }],
            image_url: `javascript:${SET}`,
            footer: "<b>footer</b>",
          },
        ],
      },
    });
    expect(attachmentPost.status).toBe(201);

    const { page } = await e2e.open({ user: admin });
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`/${team.name}/channels/town-square`);
    await page.getByText("alert with attachments").waitFor();
    await page.getByText("html link").waitFor();

    // Links without a safe target lose their href; clicking them does nothing.
    const unsafe = await page
      .locator(".post-list a")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href")).filter((h) => h !== null && !/^(https?:|mailto:|\/|#)/i.test(h)));
    expect(unsafe).toEqual([]);
    for (const link of await page.locator(".post-list a:not([href])").all()) await link.click();
    const rels = await page
      .locator(".post-list .markdown a")
      .evaluateAll((links) => links.map((a) => `${a.getAttribute("target")} ${a.getAttribute("rel")}`));
    expect(new Set(rels)).toEqual(new Set(["_blank noopener noreferrer"]));
    await expect(
      page.locator(".post-list script, .post-list iframe, .post-list svg, .post-list [onerror], .post-list [onload]").count(),
    ).resolves.toBe(0);
    // Raw HTML is shown as text, as Mattermost does.
    await page.getByText(`<script>${SET}</script>`).first().waitFor();

    await page.goto(`/${team.name}/channels/xss`);
    await page.getByRole("heading", { level: 1, name: "xss" }).waitFor();
    for (const link of await page.locator(".channel-header a:not([href])").all()) await link.click();
    await page.waitForTimeout(300);

    await expect(page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).resolves.toBeUndefined();
    expect(dialogs).toEqual([]);
    await e2e.screenshot(page, "xss-channel");
    e2e.assertNoConsoleErrors();
  });

  test("a non-member opening a private channel by URL sees a not-found message and no posts", async () => {
    const admin = await e2e.server.admin();
    const outsider = await e2e.server.createUser();
    const { team } = await createTeamWithTownSquare(e2e.server, admin, { members: [outsider] });
    const secret = await e2e.server.createChannel(admin, { teamId: team.id, name: "secret-plans", type: "P" });
    await e2e.server.createPost(admin, { channelId: secret.id, message: "the secret is 42" });

    const { page, allow } = await e2e.open({ user: outsider });
    allow(/status of 404/);
    await page.goto(`/${team.name}/channels/secret-plans`);
    await page.getByRole("heading", { name: "Channel not found" }).waitFor();
    await page.getByText("This channel does not exist, or you do not have access to it.").waitFor();
    await expect(page.getByText("the secret is 42").count()).resolves.toBe(0);
    await expect(page.getByRole("textbox", { name: /Write to/ }).count()).resolves.toBe(0);
    await expect(page.getByRole("link", { name: "secret-plans" }).count()).resolves.toBe(0);

    // Nor through a permalink to one of its posts.
    const post = await e2e.server.createPost(admin, { channelId: secret.id, message: "another secret" });
    await page.goto(`/${team.name}/pl/${post.id}`);
    await page.getByRole("heading", { name: "Message not found" }).waitFor();
    await expect(page.getByText("another secret").count()).resolves.toBe(0);
    e2e.assertNoConsoleErrors();
  });
});
