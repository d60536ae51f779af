/**
 * docs/mattermost-compatibility.md against the route table: its "Route index"
 * lists every `/api/v4` route the host registers, one line each
 * (`` - `METHOD /api/v4/path/{param}` — what ``), and nothing that is not
 * served — so a route added without a doc line, or one removed with its
 * line left behind, fails here. The table is read as openapi.test.ts reads
 * it: `host.routes.list({ owner: "host" })`.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "#testing";
import { openApiPath } from "../openapi.ts";

const DOC = path.join(import.meta.dirname, "../../../docs/mattermost-compatibility.md");
const INDEX_HEADING = "## Route index";

/** The `METHOD /api/v4/...` of each line of the doc's route index, in order. */
function indexedRoutes(markdown: string): string[] {
  const start = markdown.indexOf(`\n${INDEX_HEADING}\n`);
  if (start < 0) throw new Error(`docs/mattermost-compatibility.md has no "${INDEX_HEADING}" section`);
  const rest = markdown.slice(start + INDEX_HEADING.length + 2);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^- `([A-Z]+) (\/api\/v4\/\S+)` — \S/gm)].map((m) => `${m[1]} ${m[2]}`);
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("docs/mattermost-compatibility.md", () => {
  it("lists every /api/v4 route of the route table once, with what it does, and no route that is not served", () => {
    const served = server.host.routes
      .list({ owner: "host" })
      .filter((r) => r.path.startsWith("/api/v4/"))
      .map((r) => `${r.method} ${openApiPath(r.path)}`);
    expect(served.length).toBeGreaterThan(100);
    const listed = indexedRoutes(fs.readFileSync(DOC, "utf8"));
    const missing = served.filter((r) => !listed.includes(r));
    const extra = listed.filter((r) => !served.includes(r));
    const twice = listed.filter((r, i) => listed.indexOf(r) !== i);
    expect({ missing, extra, twice }).toEqual({ missing: [], extra: [], twice: [] });
  });
});
