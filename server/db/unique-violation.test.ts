/**
 * Unique violations as each dialect really reports them, and the one 409 a
 * route answers with when the code that wrote did not turn it into its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorBodySchema } from "#common/wire-schemas.ts";
import { makeBundle, startTestServer, upload, type TestServer, type UserClient } from "#testing";
import { sql } from "./index.ts";
import { uniqueViolation } from "./unique-violation.ts";

/** A plugin with a table under a unique key, and routes that write to it without looking first. */
const blindWriter = makeBundle({
  manifest: { id: "blind", name: "Blind writer", version: "1.0.0", server: { entry: "server/index.js" } },
  server: `
export async function activate(ctx) {
  await ctx.storage.migrate({
    "0001_names": {
      async up(db) {
        await db.schema.createTable("blind_names").addColumn("team_id", "text").addColumn("name", "text").execute();
        await db.schema.createIndex("blind_names_key").on("blind_names").columns(["team_id", "name"]).unique().execute();
      },
    },
  });
  const write = (name) => ctx.storage.db().insertInto("blind_names").values({ team_id: "t", name }).execute();
  ctx.http.route({ method: "POST", path: "/names", policy: "signed-in", async handler(req) {
    await write(req.body.name);
    return { status: 201, body: { name: req.body.name } };
  } });
  ctx.http.route({ method: "POST", path: "/classify", policy: "signed-in", async handler(req) {
    try {
      await write(req.body.name);
      return { violation: null };
    } catch (error) {
      return { violation: ctx.storage.uniqueViolation(error) };
    }
  } });
}
`,
});

let server: TestServer;
let admin: UserClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.admin();
  expect((await upload(admin, blindWriter)).status).toBe(201);
  expect((await admin.post("/api/v4/plugins/blind/enable")).status).toBe(200);
});
afterAll(async () => server?.close());

describe("uniqueViolation", () => {
  it("names the table and columns of a host table's key", async () => {
    const team = await server.createTeam(admin);
    const error = await sql`INSERT INTO teams (id, name, display_name, type, description, create_at, update_at, delete_at)
      VALUES ('abcdefghijklmnopqrstuvwxyz', ${team.name}, 'x', 'O', '', 0, 0, 0)`
      .execute(server.host.db)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(uniqueViolation(error)).toMatchObject({ table: "teams", columns: ["name"] });
  });

  it("is null for any other refused write", async () => {
    const error = await sql`INSERT INTO teams (id) VALUES ('abcdefghijklmnopqrstuvwxy0')`.execute(server.host.db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(uniqueViolation(error)).toBeNull();
    expect(uniqueViolation(new Error("UNIQUE constraint failed: teams.name"))).toBeNull();
  });

  it("reaches plugins as ctx.storage.uniqueViolation", async () => {
    expect((await admin.post("/plugins/blind/classify", { name: "first" })).body).toEqual({ violation: null });
    const second = await admin.post("/plugins/blind/classify", { name: "first" });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ violation: { table: "blind_names", columns: ["team_id", "name"] } });
  });
});

describe("a unique violation nobody turned into a 409", () => {
  it("is answered 409 naming the field, not 500", async () => {
    const created = await admin.post("/plugins/blind/names", { name: "taken" }, z.object({ name: z.string() }));
    expect(created.status).toBe(201);
    const again = await admin.post("/plugins/blind/names", { name: "taken" }, apiErrorBodySchema);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      id: "store.sql.unique_violation",
      message: "name: is already taken; another request stored the same name at the same moment",
      status_code: 409,
    });
  });
});
