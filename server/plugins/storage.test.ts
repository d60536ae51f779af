import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { userSchema } from "#common/wire-schemas.ts";
import { TableScope } from "./table-scope.ts";
import { builtBundles, startTestServer, type TestClient, type TestServer } from "#testing";
import { boundaryDir } from "./testdata/helpers.ts";

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  // Installed and enabled as a prepackaged bundle, as a fresh install has it.
  server = await startTestServer({ prepackagedPluginsDir: await builtBundles([boundaryDir]) });
  admin = await server.admin();
});
afterAll(async () => server.close());

const refusal = (table: string) => ({
  id: "plugin.storage.forbidden_table",
  message: `Plugin "boundary" may use only its own tables (boundary_*): "${table}" is not one of them.`,
  status_code: 403,
});

describe("a plugin's storage reaches only its own tables", () => {
  it("runs the plugin's queries on its own tables: joins, subqueries, raw sql, sql.table, CTEs, transactions", async () => {
    const res = await admin.post("/plugins/boundary/api/v1/storage/own");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      joined: [{ name: "disk full", tag: "db" }],
      count: 1,
      table: [{ id: "a" }],
      cte: [{ id: "a" }],
      inTransaction: [{ tag: "db" }],
    });
  });

  it.each([
    ["select_sessions", "sessions"],
    ["storage_sql_sessions", "sessions"],
    ["kysely_sql_sessions", "sessions"],
    ["sql_table_sessions", "sessions"],
    ["sql_id_sessions", "sessions"],
    ["storage_sql_join_users", "users"],
    ["join_users", "users"],
    ["subquery_users", "users"],
    ["schema_qualified", "public.boundary_items"],
    ["delete_sessions", "sessions"],
    ["update_users", "users"],
    ["insert_users", "users"],
    ["raw_from", "sessions"],
  ])("refuses %s before it reaches the database", async (probe, table) => {
    const res = await admin.post(`/plugins/boundary/api/v1/storage/${probe}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject(refusal(table));
  });

  it("left the host's tables alone: the refused delete and update never ran", async () => {
    expect((await admin.get("/api/v4/users/me", userSchema)).body.username).toBe(admin.user?.username);
    const taken = await server.host.db.selectFrom("users").select("id").where("username", "=", "taken").execute();
    expect(taken).toEqual([]);
  });
});

describe("TableScope's reading of raw SQL", () => {
  const scope = new TableScope("incident");
  const check = (query: ReturnType<typeof sql>) => () => scope.check(query.toOperationNode());

  it("passes own tables, CTEs and words that only look like table positions", () => {
    expect(check(sql`select extract(epoch from create_at) from incident_incidents`)).not.toThrow();
    expect(check(sql`select substring(name from 2) from incident_incidents where a is distinct from b`)).not.toThrow();
    expect(check(sql`select update_at, from_at from incident_incidents i, incident_playbooks as p`)).not.toThrow();
    expect(check(sql`insert into incident_x (id) values (1) on conflict (id) do update set id = excluded.id`)).not.toThrow();
    expect(check(sql`with recent as (select id from incident_incidents) select * from recent`)).not.toThrow();
    expect(check(sql`drop table if exists "incident_old"`)).not.toThrow();
    expect(check(sql`select 'from sessions' as label from incident_incidents -- join users`)).not.toThrow();
    expect(check(sql`case when status = 'active' then 0 else 1 end`)).not.toThrow();
  });

  it("refuses other tables after every table keyword, quoted, qualified or in a list", () => {
    expect(check(sql`SELECT * FROM Sessions`)).toThrow('"sessions" is not one of them');
    expect(check(sql`select * from incident_incidents, users`)).toThrow('"users" is not one of them');
    expect(check(sql`select * from "users"`)).toThrow('"users" is not one of them');
    expect(check(sql`select * from main.incident_incidents`)).toThrow('"main.incident_incidents" is not one of them');
    expect(check(sql`update posts set message = ''`)).toThrow('"posts" is not one of them');
    expect(check(sql`insert into channels (id) values (1)`)).toThrow('"channels" is not one of them');
    expect(check(sql`alter table users add column x text`)).toThrow('"users" is not one of them');
    expect(check(sql`select * from incident_x join lateral (select 1) z on true left join plugin_kv k on true`)).toThrow(
      '"plugin_kv" is not one of them',
    );
    expect(check(sql`select * from ${sql.raw("sessions")}`)).toThrow('"sessions" is not one of them');
    expect(check(sql`select * from incident_x where id in (select user_id from sessions)`)).toThrow('"sessions" is not one of them');
    // Another plugin's tables are not this one's either.
    expect(check(sql`select * from workflow_runs`)).toThrow('"workflow_runs" is not one of them');
  });
});
