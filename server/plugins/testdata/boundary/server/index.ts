/**
 * The boundary plugin's server side: routes declared with zod schemas and
 * access levels, so the runtime's tests can check what the host enforces
 * before a handler runs (each handler echoes what it received), and storage
 * probes that try the host's tables the ways a mistaken plugin might.
 */
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import type { PluginContext } from "#plugin-api";

interface Tables {
  boundary_items: { id: string; name: string };
  boundary_tags: { item_id: string; tag: string };
  // Not the plugin's: declared only so the probes type-check, as a mistaken plugin's might.
  sessions: { id: string; user_id: string };
  users: { id: string; username: string };
  "public.boundary_items": { id: string; name: string };
}

/** Each probe names a table that is not the plugin's, a different way. */
function probes(ctx: PluginContext, db: Kysely<Tables>): Record<string, () => Promise<unknown>> {
  return {
    select_sessions: () => db.selectFrom("sessions").selectAll().execute(),
    storage_sql_sessions: () => ctx.storage.sql`select * from sessions`.execute(db),
    kysely_sql_sessions: () => sql`select * from sessions`.execute(db),
    sql_table_sessions: () => sql`select * from ${sql.table("sessions")}`.execute(db),
    sql_id_sessions: () => sql`select * from ${sql.id("sessions")}`.execute(db),
    storage_sql_join_users: () => ctx.storage.sql`select i.id from boundary_items i join users u on u.id = i.name`.execute(db),
    join_users: () => db.selectFrom("boundary_items").innerJoin("users", "users.id", "boundary_items.name").selectAll().execute(),
    subquery_users: () =>
      db
        .selectFrom("boundary_items")
        .selectAll()
        .where("name", "in", (eb) => eb.selectFrom("users").select("username"))
        .execute(),
    schema_qualified: () => db.selectFrom("public.boundary_items").selectAll().execute(),
    delete_sessions: () => db.deleteFrom("sessions").execute(),
    update_users: () => db.updateTable("users").set({ username: "taken" }).execute(),
    insert_users: () => db.insertInto("users").values({ id: "x", username: "x" }).execute(),
    raw_from: () => db.selectFrom(sql<{ id: string }>`sessions`.as("s")).selectAll().execute(),
  };
}

/** Queries on the plugin's own tables, each way the probes try others'. */
async function ownTables(ctx: PluginContext, db: Kysely<Tables>): Promise<unknown> {
  await db.deleteFrom("boundary_tags").execute();
  await db.deleteFrom("boundary_items").execute();
  await db.insertInto("boundary_items").values({ id: "a", name: "disk" }).execute();
  await db.insertInto("boundary_tags").values({ item_id: "a", tag: "db" }).execute();
  await db.updateTable("boundary_items").set({ name: "disk full" }).where("id", "=", "a").execute();
  const joined = await db
    .selectFrom("boundary_items as i")
    .innerJoin("boundary_tags as t", "t.item_id", "i.id")
    .select(["i.name", "t.tag"])
    .where("i.id", "in", (eb) => eb.selectFrom("boundary_tags").select("item_id"))
    .execute();
  const counted = await ctx.storage.sql<{ n: number }>`select count(*) as n from boundary_items where name <> ${"x"}`.execute(db);
  const table = await sql<{ id: string }>`select id from ${sql.table("boundary_items")}`.execute(db);
  const cte = await db
    .with("recent", (q) => q.selectFrom("boundary_items").select("id"))
    .selectFrom("recent")
    .selectAll()
    .execute();
  const inTransaction = await db.transaction().execute((trx) => trx.selectFrom("boundary_tags").select("tag").execute());
  return { joined, count: Number(counted.rows[0]?.n), table: table.rows, cte, inTransaction };
}

export async function activate(ctx: PluginContext): Promise<void> {
  await ctx.storage.migrate({
    "0001_items": {
      async up(db) {
        await db.schema.createTable("boundary_items").addColumn("id", "text", (c) => c.primaryKey()).addColumn("name", "text", (c) => c.notNull()).execute();
        await db.schema.createTable("boundary_tags").addColumn("item_id", "text", (c) => c.notNull()).addColumn("tag", "text", (c) => c.notNull()).execute();
        await db.schema.createIndex("boundary_tags_item").on("boundary_tags").column("item_id").execute();
      },
    },
  });

  ctx.http.route({
    method: "POST",
    path: "/api/v1/storage/:probe",
    policy: "signed-in",
    params: z.object({ probe: z.string() }),
    async handler(req) {
      const db = ctx.storage.db<Tables>();
      if (req.params.probe === "own") return ownTables(ctx, db);
      const probe = probes(ctx, db)[req.params.probe];
      if (!probe) return { status: 404, body: { id: "boundary.probe.not_found", message: `no probe ${req.params.probe}`, status_code: 404 } };
      return { rows: await probe() };
    },
  });

  ctx.http.route({
    method: "GET",
    path: "/api/v1/items/:n",
    policy: "signed-in",
    summary: "Echo the parsed params and query",
    params: z.object({ n: z.coerce.number().int().min(1) }),
    query: z.object({ limit: z.coerce.number().int().max(50).default(10), loud: z.enum(["true", "false"]).optional() }),
    handler: (req) => ({ params: req.params, query: req.query, types: [typeof req.params.n, typeof req.query.limit] }),
  });

  ctx.http.route({
    method: "POST",
    path: "/api/v1/items/:n",
    policy: "signed-in",
    invalidId: "boundary.item.invalid",
    params: z.object({ n: z.coerce.number().int() }),
    body: z.object({ name: z.string().trim().min(1, "must not be empty"), count: z.number().int().default(1) }),
    handler: (req) => ({ status: 201, body: { n: req.params.n, body: req.body } }),
  });

  ctx.http.route({ method: "GET", path: "/api/v1/admin", policy: "admin", auth: "system_admin", handler: (req) => ({ admin: req.user?.username ?? null }) });

  ctx.http.route({ method: "GET", path: "/api/v1/open", policy: "open", auth: "none", handler: (req) => ({ user: req.user?.username ?? null }) });

  // No schemas: the raw strings and body, as before schemas existed.
  ctx.http.route({ method: "PUT", path: "/api/v1/raw/:id", policy: "signed-in", handler: (req) => ({ params: req.params, query: req.query, body: req.body }) });
}
