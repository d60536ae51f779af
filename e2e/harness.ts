/**
 * @module e2e/harness
 * Browser tests against a real in-process server: starts the server (built
 * web app from `dist/web`), launches Debian's Chromium through
 * playwright-core, signs users in, collects console errors (a test fails on
 * any), records every Content-Security-Policy violation of every page (the
 * file fails on any, allowed or not: see {@link CSP_LISTENER}), runs axe-core
 * and saves screenshots to `e2e/screenshots/`.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Channel, User } from "#common/wire.ts";
import { startTestServer, type TestClient, type TestServer } from "#testing";
import type { Config } from "../server/config.ts";

const root = path.resolve(import.meta.dirname, "..");
export const screenshotsDir = path.join(root, "e2e", "screenshots");
const AXE_PATH = path.join(root, "node_modules", "axe-core", "axe.min.js");

/** Chromium flags for a container without GPU or network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The page function that reports a CSP violation to the test (`exposeBinding`). */
const CSP_BINDING = "__sitrepCspViolation";

/**
 * Runs in every page before its own scripts (`addInitScript`, exempt from the
 * page's CSP like the binding it calls): each `securitypolicyviolation` event
 * is reported with its directive, the blocked address and where it happened.
 */
const CSP_LISTENER = `document.addEventListener("securitypolicyviolation", (e) => {
  window.${CSP_BINDING}(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber + " (" + (e.sample || "no sample") + ")");
});`;

/** A page of one browser context, with the console errors it logged. */
export interface TestPage {
  page: Page;
  context: BrowserContext;
  errors: string[];
  /** Console errors matching these are expected (e.g. the 404 of a test that asks for one). */
  allow(pattern: RegExp): void;
}

export interface E2E {
  server: TestServer;
  browser: Browser;
  /** A new browser context (own cookies), signed in as `user` when given. */
  open(props?: { user?: TestClient & { user: User }; path?: string; viewport?: { width: number; height: number } }): Promise<TestPage>;
  /** Fails when any page logged an unexpected console error, or met a CSP violation, since the last call. */
  assertNoConsoleErrors(): void;
  /** Save a full-window screenshot as `e2e/screenshots/<name>.png`. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Run axe-core; returns the serious and critical violations. */
  axe(page: Page): Promise<Array<{ id: string; impact: string; help: string; nodes: string[] }>>;
  close(): Promise<void>;
}

/**
 * Start a server (with `config` over the test defaults, e.g. a small `maxFileMb`) and a browser for one test file.
 * @example const e2e = await startE2E(); const alice = await e2e.server.createUser(); const { page } = await e2e.open({ user: alice, path: "/" });
 */
export async function startE2E(props: { config?: Partial<Config> } = {}): Promise<E2E> {
  const server = await startTestServer(props.config);
  if (!fs.existsSync(path.join(server.config.webDistDir, "index.html"))) {
    await server.close();
    throw new Error(`The web app is not built at ${server.config.webDistDir}: run \`node scripts/build.mjs\` first.`);
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const pages: TestPage[] = [];
  /** CSP violations of every page, not yet reported by `assertNoConsoleErrors`; `close` fails on any left. */
  const cspViolations: string[] = [];
  const takeViolations = () => cspViolations.splice(0).map((v) => `CSP violation: ${v}`);

  return {
    server,
    browser,
    async open(props = {}) {
      const context = await browser.newContext({ baseURL: server.url, viewport: props.viewport ?? { width: 1280, height: 800 } });
      await context.exposeBinding(CSP_BINDING, (source, text: string) => {
        cspViolations.push(`${text} on ${source.page.url()}`);
      });
      await context.addInitScript({ content: CSP_LISTENER });
      const page = await context.newPage();
      const errors: string[] = [];
      const allowed: RegExp[] = [];
      page.on("console", (message) => {
        if (message.type() !== "error") return;
        const text = `${message.text()} (${message.location().url})`;
        if (!allowed.some((re) => re.test(text))) errors.push(text);
      });
      page.on("pageerror", (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
      const testPage: TestPage = { page, context, errors, allow: (re) => allowed.push(re) };
      pages.push(testPage);
      if (props.user) {
        const login = await context.request.post(`${server.url}/api/v4/users/login`, {
          data: { login_id: props.user.user.username, password: "password-123" },
        });
        if (login.status() !== 200) throw new Error(`login of ${props.user.user.username}: ${login.status()} ${await login.text()}`);
      }
      if (props.path) await page.goto(props.path);
      return testPage;
    },
    assertNoConsoleErrors() {
      const all = [...takeViolations(), ...pages.flatMap((p) => p.errors.splice(0))];
      if (all.length > 0) throw new Error(`console errors:\n${all.join("\n")}`);
    },
    async screenshot(page, name) {
      fs.mkdirSync(screenshotsDir, { recursive: true });
      await page.screenshot({ path: path.join(screenshotsDir, `${name}.png`) });
    },
    async axe(page) {
      // Evaluated, not added as a <script>: the page's CSP allows no inline script.
      await page.evaluate(fs.readFileSync(AXE_PATH, "utf8"));
      const result = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run(
                ctx: Document,
                opts: object,
              ): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }>;
            };
          }
        ).axe;
        const r = await axe.run(document, { resultTypes: ["violations"] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
      });
      return result.filter((v) => v.impact === "serious" || v.impact === "critical");
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      const left = takeViolations();
      if (left.length > 0) throw new Error(`the pages met Content-Security-Policy violations:\n${left.join("\n")}`);
    },
  };
}

/** A team with a Town Square channel (as the web app makes them), and its members added. */
export async function createTeamWithTownSquare(
  server: TestServer,
  owner: TestClient,
  props: { name?: string; members?: Array<{ user: User }> } = {},
) {
  const team = await server.createTeam(owner, { name: props.name });
  // The server gives every new team its Town Square.
  const found = await owner.get(`/api/v4/teams/${team.id}/channels/name/town-square`);
  if (found.status !== 200) throw new Error(`town-square: ${found.status} ${JSON.stringify(found.body)}`);
  const channel = found.body as Channel;
  for (const member of props.members ?? []) await server.addToChannel(owner, { channel, user: member.user });
  return { team, channel };
}
