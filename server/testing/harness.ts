/**
 * @module testing/harness
 * A real in-process server for tests, on the dialect the run was asked for
 * (`SITREP_TEST_DIALECT=sqlite|postgres`), each with its own database, plus
 * factories for users, teams, channels and posts.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { newId } from "#common/ids.ts";
import type * as z from "zod/mini";
import { channelSchema, postSchema, teamSchema, userSchema } from "#common/wire-schemas.ts";
import type { Channel, Post, Team, User } from "#common/wire.ts";
import { loadConfig, type Config } from "../config.ts";
import { dropPgSchema } from "../db/index.ts";
import { startServer, type RunningServer } from "../server.ts";
import { expectBody } from "./expect-body.ts";

export const testDialect = (process.env.SITREP_TEST_DIALECT ?? "sqlite") as "sqlite" | "postgres";
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A JSON answer: status, body, headers. The body is `unknown` unless the call named a schema. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A zod schema (full or mini) of the body a call expects. */
export type BodySchema<T> = z.core.$ZodType<T>;

/**
 * A signed-in (or anonymous) caller of the test server. Each method takes an
 * optional schema of the body it expects (a wire schema, or
 * `apiErrorBodySchema` for a refusal); without one, the body is `unknown`.
 * @example const res = await alice.get(`/api/v4/channels/${id}`, channelSchema); expect(res.body.name).toBe("town-square");
 */
export class TestClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
    readonly user?: User,
  ) {}

  /** Any request: a JSON body (an object, or a string sent as is) or a `FormData`, extra headers, and the schema of the expected body. */
  request(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  request<T>(
    method: string,
    urlPath: string,
    body: unknown,
    headers: Record<string, string>,
    schema: BodySchema<T>,
  ): Promise<ApiResponse<T>>;
  request<T>(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}, schema?: BodySchema<T>) {
    return this.send({ method, urlPath, body, headers, schema });
  }
  private async send<T>(props: {
    method: string;
    urlPath: string;
    body: unknown;
    headers: Record<string, string>;
    schema?: BodySchema<T>;
  }) {
    const h: Record<string, string> = { ...props.headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    let payload: BodyInit | undefined;
    const body = props.body;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      h["content-type"] ??= "application/json";
      payload = typeof body === "string" ? body : JSON.stringify(body);
    }
    const response = await fetch(this.baseUrl + props.urlPath, { method: props.method, headers: h, body: payload });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    const answer = props.schema ? expectBody({ status: response.status, body: parsed }, props.schema) : parsed;
    return { status: response.status, body: answer, headers: response.headers };
  }
  get(p: string): Promise<ApiResponse>;
  get<T>(p: string, schema: BodySchema<T>): Promise<ApiResponse<T>>;
  get<T>(p: string, schema?: BodySchema<T>) {
    return this.send({ method: "GET", urlPath: p, body: undefined, headers: {}, schema });
  }
  post(p: string, body?: unknown): Promise<ApiResponse>;
  post<T>(p: string, body: unknown, schema: BodySchema<T>): Promise<ApiResponse<T>>;
  post<T>(p: string, body?: unknown, schema?: BodySchema<T>) {
    return this.send({ method: "POST", urlPath: p, body: body ?? {}, headers: {}, schema });
  }
  put(p: string, body?: unknown): Promise<ApiResponse>;
  put<T>(p: string, body: unknown, schema: BodySchema<T>): Promise<ApiResponse<T>>;
  put<T>(p: string, body?: unknown, schema?: BodySchema<T>) {
    return this.send({ method: "PUT", urlPath: p, body: body ?? {}, headers: {}, schema });
  }
  patch(p: string, body?: unknown): Promise<ApiResponse>;
  patch<T>(p: string, body: unknown, schema: BodySchema<T>): Promise<ApiResponse<T>>;
  patch<T>(p: string, body?: unknown, schema?: BodySchema<T>) {
    return this.send({ method: "PATCH", urlPath: p, body: body ?? {}, headers: {}, schema });
  }
  delete(p: string): Promise<ApiResponse>;
  delete<T>(p: string, schema: BodySchema<T>): Promise<ApiResponse<T>>;
  delete<T>(p: string, schema?: BodySchema<T>) {
    return this.send({ method: "DELETE", urlPath: p, body: undefined, headers: {}, schema });
  }
}

/** A signed-in user's client, with their token and user: {@link TestServer.createUser} makes them. */
export class UserClient extends TestClient {
  constructor(
    baseUrl: string,
    override readonly token: string,
    override readonly user: User,
  ) {
    super(baseUrl, token, user);
  }
}

export interface TestServer extends RunningServer {
  config: Config;
  anonymous: TestClient;
  /** Sign up and log in a user; the first one made is the system admin. */
  createUser(props?: { username?: string; admin?: boolean; password?: string }): Promise<UserClient>;
  createTeam(owner: TestClient, props?: { name?: string; type?: "O" | "I" }): Promise<Team>;
  createChannel(owner: TestClient, props: { teamId: string; name?: string; type?: "O" | "P" }): Promise<Channel>;
  createPost(author: TestClient, props: { channelId: string; message?: string }): Promise<Post>;
  /** Add a user to a team and a channel, as an admin would. */
  addToChannel(admin: TestClient, props: { channel: Channel; user: User }): Promise<void>;
  /** A test server's admin: the first user. */
  admin(): Promise<UserClient>;
  /** The usual cast: see {@link TeamSeed}. */
  seedTeam(): Promise<TeamSeed>;
}

/**
 * A team and its people, for tests of who sees what: Alice owns the team and
 * both channels; Bob is on the team and in the public channel only; Olga is
 * not on the team. None of them is a system admin.
 */
export interface TeamSeed {
  alice: UserClient;
  bob: UserClient;
  olga: UserClient;
  team: Team;
  pub: Channel;
  priv: Channel;
}

let counter = 0;
/** A short unique name for factories. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${newId().slice(0, 6)}`;
}

/**
 * Start a real server for a test file. Call `close()` in `afterAll`.
 * `overrides.pluginDirectories` sets a plugin's declared directories
 * (`ctx.directories`), e.g. `{incident: {playbooks: dir}}`.
 * @example const server = await startTestServer(); const alice = await server.createUser();
 */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-test-"));
  const pgSchema = testDialect === "postgres" ? `t_${newId()}` : undefined;
  // Plugins' directories default to ones that do not exist; a test sets its own with `pluginDirectories`.
  const config = loadConfig(
    {
      NODE_ENV: "test",
      SITREP_LOG_LEVEL: process.env.SITREP_LOG_LEVEL ?? "silent",
      SITREP_PLAYBOOKS_DIR: path.join(dataDir, "no-playbooks"),
      SITREP_WORKFLOWS_DIR: path.join(dataDir, "no-workflows"),
    },
    {
      port: 0,
      host: "127.0.0.1",
      dataDir,
      databaseUrl: testDialect === "postgres" ? testDatabaseUrl : undefined,
      pgSchema,
      prepackagedPluginsDir: path.join(dataDir, "no-prepackaged"),
      hookTimeoutMs: 500,
      ...overrides,
    },
  );
  const running = await startServer(config);
  const anonymous = new TestClient(running.url);
  let firstAdmin: UserClient | undefined;

  const server: TestServer = {
    ...running,
    config,
    anonymous,
    async close() {
      await running.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (pgSchema) await dropPgSchema(testDatabaseUrl, pgSchema);
    },
    async createUser(props = {}) {
      if (!firstAdmin && !props.admin) await server.admin();
      const username = props.username ?? uniqueName("user").replace(/-/g, "");
      const password = props.password ?? "password-123";
      const created = await (firstAdmin ?? anonymous).post("/api/v4/users", { username, email: `${username}@example.com`, password });
      if (created.status !== 201) throw new Error(`createUser: ${created.status} ${JSON.stringify(created.body)}`);
      if (props.admin && firstAdmin)
        await firstAdmin.put(`/api/v4/users/${expectBody(created, userSchema).id}/roles`, { roles: "system_admin system_user" });
      const login = await anonymous.post("/api/v4/users/login", { login_id: username, password });
      if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
      const token = login.headers.get("token");
      if (!token) throw new Error("login: no token header");
      const client = new UserClient(running.url, token, expectBody(login, userSchema));
      if (!firstAdmin) firstAdmin = client;
      return client;
    },
    async admin() {
      return firstAdmin ?? (await server.createUser({ admin: true, username: uniqueName("admin").replace(/-/g, "") }));
    },
    async createTeam(owner, props = {}) {
      const name = props.name ?? uniqueName("team");
      const res = await owner.post("/api/v4/teams", { name, display_name: name, type: props.type ?? "O" });
      if (res.status !== 201) throw new Error(`createTeam: ${res.status} ${JSON.stringify(res.body)}`);
      return expectBody(res, teamSchema);
    },
    async createChannel(owner, props) {
      const name = props.name ?? uniqueName("chan");
      const res = await owner.post("/api/v4/channels", { team_id: props.teamId, name, display_name: name, type: props.type ?? "O" });
      if (res.status !== 201) throw new Error(`createChannel: ${res.status} ${JSON.stringify(res.body)}`);
      return expectBody(res, channelSchema);
    },
    async createPost(author, props) {
      const res = await author.post("/api/v4/posts", { channel_id: props.channelId, message: props.message ?? "hello" });
      if (res.status !== 201) throw new Error(`createPost: ${res.status} ${JSON.stringify(res.body)}`);
      return expectBody(res, postSchema);
    },
    async addToChannel(admin, props) {
      const team = await admin.post(`/api/v4/teams/${props.channel.team_id}/members`, {
        team_id: props.channel.team_id,
        user_id: props.user.id,
      });
      if (team.status !== 201) throw new Error(`addToTeam: ${team.status} ${JSON.stringify(team.body)}`);
      const res = await admin.post(`/api/v4/channels/${props.channel.id}/members`, { user_id: props.user.id });
      if (res.status !== 201) throw new Error(`addToChannel: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async seedTeam() {
      const alice = await server.createUser();
      const bob = await server.createUser();
      const olga = await server.createUser();
      const team = await server.createTeam(alice);
      const pub = await server.createChannel(alice, { teamId: team.id, type: "O" });
      const priv = await server.createChannel(alice, { teamId: team.id, type: "P" });
      await server.addToChannel(alice, { channel: pub, user: bob.user });
      return { alice, bob, olga, team, pub, priv };
    },
  };
  return server;
}
