import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorBodySchema, userSchema } from "#common/wire-schemas.ts";
import { expectBody, startTestServer, TestClient, type TestServer } from "#testing";

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "../../bin/sitrep.mjs");

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

/** Run the real `bin/sitrep.mjs user create ...` as a separate process, as a user would. */
async function userCreate(args: string[], token?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = [bin, "user", "create", ...args, "--url", server.url, ...(token ? ["--token", token] : [])];
  try {
    const { SITREP_URL: _url, SITREP_TOKEN: _token, ...env } = process.env; // only the flags count
    const { stdout, stderr } = await run(process.execPath, argv, { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const account = (username: string) => ["--username", username, "--email", `${username}@example.com`, "--password", "password-123"];

/** A signed-in client for a user the CLI made. */
async function login(username: string): Promise<TestClient> {
  const res = await server.anonymous.post("/api/v4/users/login", { login_id: username, password: "password-123" });
  expect(res.status).toBe(200);
  return new TestClient(server.url, res.headers.get("token")!, expectBody(res, userSchema));
}

async function rolesOf(client: TestClient, username: string): Promise<string> {
  const res = await client.get(`/api/v4/users/username/${username}`, userSchema);
  expect(res.status).toBe(200);
  return res.body.roles as string;
}

describe("sitrep user create", () => {
  it("makes the first user a system admin without a token, then an admin with --admin and an admin token", async () => {
    const first = await userCreate(account("root"));
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^created user root \([a-z0-9]{26}\) as system admin\n$/);
    const root = await login("root");
    expect(await rolesOf(root, "root")).toContain("system_admin");

    const plain = await userCreate(account("dana"), root.token!);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^created user dana \([a-z0-9]{26}\)\n$/);
    expect(await rolesOf(root, "dana")).not.toContain("system_admin");

    const admin = await userCreate([...account("erin"), "--admin"], root.token!);
    expect(admin.code).toBe(0);
    expect(admin.stdout).toMatch(/^created user erin \([a-z0-9]{26}\) as system admin\n$/);
    expect(await rolesOf(root, "erin")).toContain("system_admin");

    // A non-admin's token is refused before anything is created.
    const dana = await login("dana");
    const refused = await userCreate([...account("fred"), "--admin"], dana.token!);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("error: --admin: the --token must belong to a system admin\n");
    expect((await root.get("/api/v4/users/username/fred")).status).toBe(404);
  });

  it("prints the server's message and exits 1 on bad input", async () => {
    const expected = await server.anonymous.post(
      "/api/v4/users",
      {
        username: "Not Valid!",
        email: "x@example.com",
        password: "password-123",
      },
      apiErrorBodySchema,
    );
    expect(expected.status).toBe(400);
    // Separate processes, run side by side to keep the test quick.
    const [invalid, short, taken, missing] = await Promise.all([
      userCreate(["--username", "Not Valid!", "--email", "x@example.com", "--password", "password-123"]),
      userCreate(["--username", "frank", "--email", "frank@example.com", "--password", "short"]),
      userCreate(account("root")),
      userCreate(["--username", "gail"]),
    ]);
    expect(invalid).toMatchObject({ code: 1, stdout: "" });
    expect(invalid.stderr).toBe(`error: 400: ${expected.body.message}\n`);
    expect(invalid.stderr).toContain("username: ");

    expect(short.code).toBe(1);
    expect(short.stderr).toBe("error: 400: password: must be at least 8 characters\n");

    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe('error: 409: username: "root" is already taken\n');

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error: required option '--email <email>' not specified");
  });

  it("lists its options with --help", async () => {
    const help = await userCreate(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /^Usage: sitrep user create \[options\]\n\nCreate a user\. The first user of a workspace needs no token and becomes a system\s+admin\.\n/,
    );
    for (const option of [
      "--username <name>",
      "--email <email>",
      "--password <password>",
      "--admin",
      "--url <url>",
      "--token <token>",
      "-h, --help",
    ])
      expect(help.stdout).toContain(option);
    expect(help.stdout).toMatch(/--admin\s+make the user a system admin \(needs an admin token\)/);
    expect(help.stdout).toMatch(/--url <url>\s+server address \(SITREP_URL\) \(default:\s+"http:\/\/localhost:8065"\)/);
  });
});
