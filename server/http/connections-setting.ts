/**
 * @module http/connections-setting
 * `ServiceSettings.AllowedUntrustedInternalConnections`: the internal
 * addresses outbound requests may reach. Its entries come from the
 * environment (`SITREP_ALLOWED_INTERNAL_CONNECTIONS`) and from the stored
 * configuration that system admins set with `PUT /api/v4/config/patch`; the
 * two lists add up. The stored value is cached in each process and dropped
 * through the bus when any process changes it (the pattern of
 * `services/caches.ts`), so a change reaches every process.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { badRequest } from "../errors.ts";
import type { EventBus } from "../realtime/bus.ts";
import { legacyAllowlistEntries, mergeAllowed, parseAllowedConnections, type AllowedConnections } from "./internal-address.ts";
import { ALLOWED_SETTING } from "./outbound.ts";

const TOPIC = "config.changed";
const storedValue = z.string();

/** The setting: read (cached, both sources), stored value, and change. */
export class AllowedConnectionsSetting {
  private readonly fromEnv: AllowedConnections;
  private cached: Promise<{ stored: string; allowed: AllowedConnections }> | undefined;

  constructor(
    private readonly props: {
      /** A builder of the tables it reads (`workspace.views().typed<ConfigDb>()`). */
      db: Kysely<ConfigDb>;
      bus: EventBus;
      /** The environment's value (`SITREP_ALLOWED_INTERNAL_CONNECTIONS`). */
      envValue: string;
      log: { warn(message: string, fields?: Record<string, unknown>): void };
    },
  ) {
    const parsed = parseAllowedConnections(props.envValue);
    if (parsed.problems.length) props.log.warn("SITREP_ALLOWED_INTERNAL_CONNECTIONS: entries ignored", { problems: parsed.problems });
    this.fromEnv = parsed.allowed;
    props.bus.subscribe((message) => {
      if (message.topic === TOPIC) this.cached = undefined;
    });
    // A change announced during a gap of the bus was missed: read the setting again.
    props.bus.onReconnect(() => {
      this.cached = undefined;
    });
  }

  /** What is allowed now: the environment's entries and the stored ones. */
  async allowed(): Promise<AllowedConnections> {
    return (await this.load()).allowed;
  }

  /** The stored value (without the environment's entries), as `GET /api/v4/config` shows it. */
  async stored(): Promise<string> {
    return (await this.load()).stored;
  }

  /** Store a new value; a 400 naming the field and each bad entry. */
  async set(value: string): Promise<void> {
    const { problems } = parseAllowedConnections(value);
    if (problems.length) throw badRequest("api.config.invalid", `${ALLOWED_SETTING}: ${problems.join("; ")}`);
    await writeStored(this.props.db, value.trim());
    this.cached = undefined;
    this.props.bus.publish(TOPIC, { name: ALLOWED_SETTING });
  }

  private load() {
    this.cached ??= (async () => {
      const stored = await readStored(this.props.db);
      return { stored, allowed: mergeAllowed(this.fromEnv, parseAllowedConnections(stored).allowed) };
    })().catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }
}

/** The tables the setting and its data migration read (the migration runs before the host's types are current). */
export type ConfigDb = {
  system_config: { name: string; value: string };
  plugins: { id: string; settings: string };
};

async function readStored(db: Kysely<ConfigDb>): Promise<string> {
  const row = await db.selectFrom("system_config").select("value").where("name", "=", ALLOWED_SETTING).executeTakeFirst();
  if (!row) return "";
  const parsed = storedValue.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : "";
}

async function writeStored(db: Kysely<ConfigDb>, value: string): Promise<void> {
  const text = JSON.stringify(value);
  await db
    .insertInto("system_config")
    .values({ name: ALLOWED_SETTING, value: text })
    .onConflict((oc) => oc.column("name").doUpdateSet({ value: text }))
    .execute();
}

const legacySettings = z.object({ http_allowlist: z.union([z.array(z.string()), z.string()]).optional() });

/**
 * The Workflow plugin's `http_allowlist` as entries of the setting: a list
 * of patterns, or (as `readAllowlist` also takes) a string of them.
 */
export function legacyEntriesOf(value: unknown): string[] {
  const parsed = legacySettings.safeParse(value);
  const list = parsed.success ? parsed.data.http_allowlist : undefined;
  if (!list) return [];
  return legacyAllowlistEntries(typeof list === "string" ? list.split(/[\s,]+/) : list);
}

/**
 * The data migration: add the Workflow plugin's stored `http_allowlist`
 * entries to the stored setting (once; a host migration runs it).
 */
export async function migrateLegacyAllowlist(db: Kysely<ConfigDb>): Promise<void> {
  const row = await db.selectFrom("plugins").select("settings").where("id", "=", "workflow").executeTakeFirst();
  if (!row) return;
  let settings: unknown;
  try {
    settings = JSON.parse(row.settings);
  } catch {
    return;
  }
  const legacy = legacyEntriesOf(settings);
  if (!legacy.length) return;
  const current = (await readStored(db)).split(/\s+/).filter(Boolean);
  await writeStored(db, [...new Set([...current, ...legacy])].join(" "));
}
