/**
 * @module bench/support
 * Shared pieces of the benchmarks: a real Sitrep server on SQLite in a tmp
 * directory, a workspace seeded straight into its database (no password
 * hashing for thousands of users), workers that generate load from another
 * thread, and the median.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { newId, newToken } from "#common/ids.ts";
import type { Channel, User } from "#common/wire.ts";
import { loadConfig, type Config } from "../server/config.ts";
import { hashToken } from "../server/auth/sessions.ts";
import type { SessionsTable, UserRow } from "../server/db/schema.ts";
import { startServer, type RunningServer } from "../server/server.ts";
import { channelCreator } from "../server/services/channels.ts";
import { teamCreator } from "../server/services/teams.ts";
import { presentUser, USER_PROFILE_UNSET } from "../server/services/users.ts";
import { buildPlugin } from "../scripts/build-plugin.mjs";

/** What a benchmark case reports: one line with its figures, and whether the target was met. */
export interface BenchOutcome {
  line: string;
  ratio: number;
  met: boolean;
}

/** One benchmark. `bench/index.ts` runs the cases of its list, or the ones named on the command line. */
export interface BenchCase {
  id: string;
  title: string;
  run(): Promise<BenchOutcome>;
}

/** The database URL the bench may use (127.0.0.1 only), when PostgreSQL answers there. */
export async function benchPostgres(): Promise<string | null> {
  const databaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  if (new URL(databaseUrl).hostname !== "127.0.0.1") return null;
  const probe = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 1000 });
  try {
    await probe.connect();
    return databaseUrl;
  } catch {
    return null;
  } finally {
    await probe.end().catch(() => {});
  }
}

/** A fresh temporary directory, removed by the returned function. */
export function tmpDir(prefix: string): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sitrep-bench-${prefix}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The limits every bench server runs with, set as a deployment sets them
 * (environment variables) and printed with the results: the cases connect
 * thousands of users' WebSockets from one address, past the defaults.
 */
export const BENCH_SETTINGS = {
  SITREP_WS_PER_ADDRESS: "20000",
  SITREP_WS_PER_USER: "50",
  SITREP_WS_AUTH_TIMEOUT_MS: "60000",
} as const;

/** `SITREP_WS_PER_ADDRESS=20000 ...`, for a result line. */
export function benchSettingsLine(): string {
  return Object.entries(BENCH_SETTINGS)
    .map(([name, value]) => `${name}=${value}`)
    .join(" ");
}

/**
 * A Sitrep server on a SQLite file under `dir` (or, given `postgres`, in a
 * schema of that PostgreSQL database), listening on 127.0.0.1 only.
 */
export async function startBenchServer(
  dir: string,
  postgres?: { databaseUrl: string; pgSchema: string },
  overrides: Partial<Config> = {},
): Promise<RunningServer> {
  const empty = path.join(dir, "empty");
  fs.mkdirSync(empty, { recursive: true });
  const config = loadConfig(
    {
      ...BENCH_SETTINGS,
      SITREP_LOG_LEVEL: "silent",
      SITREP_PLAYBOOKS_DIR: path.join(dir, "no-playbooks"),
      SITREP_WORKFLOWS_DIR: path.join(dir, "no-workflows"),
    },
    {
      port: 0,
      host: "127.0.0.1",
      dataDir: path.join(dir, "data"),
      databaseUrl: postgres?.databaseUrl,
      pgSchema: postgres?.pgSchema,
      prepackagedPluginsDir: empty,
      logLevel: "silent",
      ...overrides,
    },
  );
  return startServer(config);
}

export interface SeededWorkspace {
  author: SeededUser;
  members: SeededUser[];
  channel: Channel;
}

/** Users written straight into the database, each with a session token: no password hashing for thousands of them. */
export interface SeededUser {
  user: User;
  token: string;
}

/**
 * `count` users (the first a system admin when `firstIsAdmin`), each with a
 * session valid for a day. Rows are written in bulk, as a migration would.
 */
export async function seedUsers(
  server: RunningServer,
  props: { count: number; prefix?: string; firstIsAdmin?: boolean },
): Promise<SeededUser[]> {
  const db = server.host.db;
  const now = Date.now();
  const people: Array<{ row: UserRow; token: string }> = [];
  for (let i = 0; i < props.count; i++) {
    const id = newId();
    const username = `${props.prefix ?? "bench"}${i}${id.slice(0, 6)}`;
    const row: UserRow = {
      id,
      username,
      email: `${username}@bench.invalid`,
      password_hash: "",
      first_name: "",
      last_name: "",
      nickname: "",
      roles: i === 0 && props.firstIsAdmin ? "system_admin system_user" : "system_user",
      is_bot: 0,
      bot_owner_id: "",
      create_at: now,
      update_at: now,
      delete_at: 0,
      ...USER_PROFILE_UNSET,
    };
    people.push({ row, token: newToken() });
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < people.length; i += 500) {
      const batch = people.slice(i, i + 500);
      await trx
        .insertInto("users")
        .values(batch.map((p) => p.row))
        .execute();
      const sessions: SessionsTable[] = batch.map((p) => ({
        id: newId(),
        token_hash: hashToken(p.token),
        user_id: p.row.id,
        csrf_token: newToken(),
        access_token_id: "",
        create_at: now,
        expires_at: now + 24 * 60 * 60 * 1000,
        last_activity_at: now,
      }));
      await trx.insertInto("sessions").values(sessions).execute();
    }
  });
  return people.map((p) => ({ user: presentUser(p.row), token: p.token }));
}

/** Make users members of a team and of some of its channels, in bulk (no membership posts, no events). */
export async function seedMemberships(
  server: RunningServer,
  props: { teamId: string; userIds: readonly string[]; channels: ReadonlyArray<{ channelId: string; userIds: readonly string[] }> },
): Promise<void> {
  const db = server.host.db;
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < props.userIds.length; i += 500) {
      await trx
        .insertInto("team_members")
        .values(
          props.userIds
            .slice(i, i + 500)
            .map((userId) => ({ team_id: props.teamId, user_id: userId, roles: "team_user", create_at: now, delete_at: 0 })),
        )
        .execute();
    }
    for (const { channelId, userIds } of props.channels)
      for (let i = 0; i < userIds.length; i += 500)
        await trx
          .insertInto("channel_members")
          .values(
            userIds.slice(i, i + 500).map((userId) => ({
              channel_id: channelId,
              user_id: userId,
              roles: "channel_user",
              last_viewed_at: 0,
              msg_count: 0,
              create_at: now,
            })),
          )
          .execute();
  });
  for (const { channelId } of props.channels) server.host.caches.invalidate({ kind: "members", channelId });
}

/**
 * One team, one public channel, an author and `memberCount` more members, each
 * with a session token. Rows are written in bulk, as a migration would.
 */
export async function seedWorkspace(server: RunningServer, memberCount: number): Promise<SeededWorkspace> {
  const [first, ...others] = await seedUsers(server, { count: memberCount + 1, firstIsAdmin: true });
  if (!first) throw new Error("seedWorkspace: no people were made");
  const author = first.user;
  const team = await teamCreator(server.host, {
    input: { name: `bench-${newId().slice(0, 8)}`, display_name: "Bench", type: "O" },
    creatorId: author.id,
  });
  const channel = await channelCreator(server.host, {
    input: { team_id: team.id, name: "bench-room", display_name: "Bench room", type: "O" },
    creator: author,
  });
  const memberIds = others.map((p) => p.user.id);
  await seedMemberships(server, { teamId: team.id, userIds: memberIds, channels: [{ channelId: channel.id, userIds: memberIds }] });
  return { author: first, members: others, channel };
}

/**
 * Item `index` of `values`, or an error naming `what` when there is none: the
 * benchmarks index arrays they built themselves, so a missing item is a bug.
 */
export function itemAt<T>(values: readonly T[], index: number, what = "item"): T {
  const value = values[index];
  if (value === undefined) throw new Error(`no ${what} at index ${index} of ${values.length}`);
  return value;
}

/** The median of some numbers (an error for none). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const middle = itemAt(sorted, mid, "value for the median");
  return sorted.length % 2 ? middle : (itemAt(sorted, mid - 1) + middle) / 2;
}

/** The `p`-quantile (0–1) of some numbers, the nearest one below (0 for none). */
export function percentile(values: readonly number[] | Float64Array, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** Milliseconds on a clock shared by all threads of the process. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A worker thread running one of `bench/workers/*.mjs` (plain JavaScript, so
 * it needs no TypeScript loader), talked to by request and answer.
 */
export class BenchWorker {
  private readonly worker: Worker;
  private readonly waiting: Array<(message: unknown) => void> = [];
  private failure: Error | null = null;

  constructor(file: string, workerData: unknown) {
    this.worker = new Worker(new URL(`./workers/${file}`, import.meta.url), { workerData });
    this.worker.on("message", (message: unknown) => this.waiting.shift()?.(message));
    this.worker.on("error", (error) => {
      this.failure = error;
      for (const resolve of this.waiting.splice(0)) resolve({ error: error.message });
    });
  }

  /** Send a command and wait for the worker's answer. */
  async ask<T>(command: Record<string, unknown>): Promise<T> {
    if (this.failure) throw this.failure;
    const answer = new Promise<unknown>((resolve) => this.waiting.push(resolve));
    this.worker.postMessage(command);
    const result = (await answer) as T & { error?: string };
    if (result && typeof result === "object" && "error" in result && result.error)
      throw new Error(`bench worker ${this.worker.threadId}: ${result.error}`);
    return result;
  }

  /** Wait for the next message the worker sends on its own (register before causing it). */
  next<T>(): Promise<T> {
    return new Promise<unknown>((resolve) => this.waiting.push(resolve)) as Promise<T>;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Build the Incident plugin with the real build script, upload it through
 * the API and enable it, as an admin would (`token`: a system admin's).
 */
export async function installIncidentPlugin(props: { server: RunningServer; token: string; outDir: string }): Promise<void> {
  const bundle = fs.readFileSync(
    await buildPlugin({ dir: path.resolve(import.meta.dirname, "../plugins/incident"), outDir: props.outDir }),
  );
  const form = new FormData();
  form.append("plugin", new Blob([new Uint8Array(bundle)], { type: "application/gzip" }), "incident.tar.gz");
  for (const [urlPath, body] of [
    ["/api/v4/plugins", form],
    ["/api/v4/plugins/incident/enable", undefined],
  ] as const) {
    const res = await fetch(`${props.server.url}${urlPath}`, { method: "POST", headers: { authorization: `Bearer ${props.token}` }, body });
    if (res.status >= 300) throw new Error(`POST ${urlPath}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  }
}
