/**
 * `sitrep webhook create|list|delete` against a real server: the commands
 * as the program parses them, with a team admin's token; a member's token is
 * refused with the server's message.
 */
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPluginCli, type TeamSeed, type TestServer } from "#testing";
import { isCliFailure } from "#common/plugin-cli-api.ts";
import { startIncidentServer } from "../server/test-server.ts";
import { register } from "./index.ts";

let server: TestServer;
let seed: TeamSeed;
beforeAll(async () => {
  server = await startIncidentServer();
  seed = await server.seedTeam();
});
afterAll(() => server.close());

/** Run `sitrep <args>` with a token; answers the lines printed. */
async function sitrep(args: string[], token: string): Promise<{ out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command("sitrep").exitOverride();
  register(
    createPluginCli({
      program,
      env: { SITREP_URL: server.url, SITREP_TOKEN: token },
      out: { log: (l) => out.push(l), error: (l) => err.push(l) },
    }),
  );
  await program.parseAsync(args, { from: "user" });
  return { out, err };
}

describe("sitrep webhook", () => {
  it("creates (printing the secret once), lists and deletes a team's subscriptions", async () => {
    const created = await sitrep(
      [
        "webhook",
        "create",
        "--team",
        seed.team.name,
        "--endpoint",
        "https://hooks.example.com/a",
        "--events",
        "incident.incident_started, incident.incident_ended",
      ],
      seed.alice.token,
    );
    const [line, secret, note] = created.out;
    const id = line?.split(" ")[0] ?? "";
    expect(line).toBe(`${id}  active  incident.incident_started,incident.incident_ended  https://hooks.example.com/a`);
    expect(secret).toMatch(/^secret: whsec_[A-Za-z0-9+/]{43}=$/);
    expect(note).toBe("Keep the secret: receivers verify signatures with it, and it is not shown again.");

    const listed = await sitrep(["webhook", "list", "--team", seed.team.name], seed.alice.token);
    expect(listed.out).toEqual([line]);
    expect((await sitrep(["webhook", "delete", id], seed.alice.token)).out).toEqual([`deleted ${id} (https://hooks.example.com/a)`]);
    expect((await sitrep(["webhook", "list", "--team", seed.team.name], seed.alice.token)).out).toEqual([
      `team ${seed.team.name} has no event subscriptions`,
    ]);
  });

  it("fails with the server's message for a member who is not a team admin, and for include_private without a system admin", async () => {
    const failure = async (args: string[], token: string) => {
      try {
        await sitrep(args, token);
      } catch (error) {
        if (isCliFailure(error)) return error.message;
        throw error;
      }
      return "no failure";
    };
    expect(await failure(["webhook", "list", "--team", seed.team.name], seed.bob.token)).toBe(
      `403: Only team admins of ${seed.team.name} and system admins may manage its event subscriptions.`,
    );
    expect(
      await failure(
        ["webhook", "create", "--team", seed.team.name, "--endpoint", "https://hooks.example.com/p", "--include-private"],
        seed.alice.token,
      ),
    ).toBe(
      "403: include_private: only system admins may subscribe to private incidents' events, which would leave the workspace for people who may not read them here.",
    );
  });
});
