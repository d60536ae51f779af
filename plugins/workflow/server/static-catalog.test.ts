import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "#testing";
import { STATIC_CATALOG } from "../common/static-catalog.ts";
import { startWorkflowServer } from "./test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startWorkflowServer({ incident: true });
});
afterAll(async () => server.close());

describe("the static catalog (static-catalog.json)", () => {
  it("is the live catalog of a host with both first-party bundles, descriptions and all", () => {
    expect(STATIC_CATALOG, "stale: `npm run build` (or `npx tsx scripts/write-static-catalog.ts`) regenerates it").toEqual(
      server.host.automation.catalog(),
    );
  });
});
