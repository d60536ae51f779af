/**
 * @module workflow/server/store
 * The plugin's tables (prefix `workflow_`): workflows, runs, and each run's
 * steps. Times are ms since the epoch; flags are 0/1; JSON is stored as text
 * and parsed with zod on the way out, so the rest of the plugin sees records
 * ({@link WorkflowRecord}, {@link RunRecord}), never raw rows.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { PluginMigration, StorageApi } from "#plugin-api";
import type { RunStatus } from "../common/wire.ts";
import { workflowSpecSchema, type WorkflowSpec } from "../common/workflow.ts";

export interface WorkflowsTable {
  id: string;
  team_id: string;
  name: string;
  description: string;
  /** The YAML as applied. */
  source: string;
  /** The validated spec as JSON. */
  parsed: string;
  trigger_type: string;
  run_as_user_id: string;
  enabled: number;
  /** 1 when created; +1 on every replace. */
  version: number;
  /** Part of the webhook URL; kept across replaces. */
  webhook_secret: string;
  created_by: string;
  create_at: number;
  update_at: number;
}

export interface RunsTable {
  id: string;
  workflow_id: string;
  workflow_name: string;
  team_id: string;
  trigger: string;
  /** The trigger's values as JSON. */
  trigger_values: string;
  channel_id: string;
  status: RunStatus;
  error: string;
  depth: number;
  started_at: number;
  duration_ms: number;
}

export interface RunStepsTable {
  run_id: string;
  idx: number;
  step_id: string;
  action: string;
  status: "succeeded" | "failed";
  input: string;
  output: string;
  error: string;
  started_at: number;
  duration_ms: number;
}

export interface WorkflowDb {
  workflow_workflows: WorkflowsTable;
  workflow_runs: RunsTable;
  workflow_run_steps: RunStepsTable;
}

export const migrations: Record<string, PluginMigration> = {
  "0001_init": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("workflow_workflows")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("team_id", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("parsed", "text", (c) => c.notNull())
        .addColumn("trigger_type", "text", (c) => c.notNull())
        .addColumn("run_as_user_id", "text", (c) => c.notNull())
        .addColumn("enabled", "integer", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("webhook_secret", "text", (c) => c.notNull())
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("create_at", "bigint", (c) => c.notNull())
        .addColumn("update_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("workflow_workflows_team_name", ["team_id", "name"])
        .execute();
      await db.schema
        .createIndex("workflow_workflows_trigger")
        .on("workflow_workflows")
        .columns(["trigger_type", "team_id", "enabled"])
        .execute();
      await db.schema
        .createTable("workflow_runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("workflow_id", "text", (c) => c.notNull())
        .addColumn("workflow_name", "text", (c) => c.notNull())
        .addColumn("team_id", "text", (c) => c.notNull())
        .addColumn("trigger", "text", (c) => c.notNull())
        .addColumn("trigger_values", "text", (c) => c.notNull())
        .addColumn("channel_id", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("error", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("depth", "integer", (c) => c.notNull())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("duration_ms", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex("workflow_runs_workflow").on("workflow_runs").columns(["workflow_id", "started_at"]).execute();
      await db.schema.createIndex("workflow_runs_status").on("workflow_runs").columns(["status", "started_at"]).execute();
      await db.schema
        .createTable("workflow_run_steps")
        .addColumn("run_id", "text", (c) => c.notNull())
        .addColumn("idx", "integer", (c) => c.notNull())
        .addColumn("step_id", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("input", "text", (c) => c.notNull())
        .addColumn("output", "text", (c) => c.notNull())
        .addColumn("error", "text", (c) => c.notNull())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("workflow_run_steps_pk", ["run_id", "idx"])
        .execute();
    },
  },
};

/** A workflow row with its spec parsed and its flag a boolean. */
export interface WorkflowRecord extends Omit<WorkflowsTable, "parsed" | "enabled"> {
  /** The validated spec the workflow was applied with. */
  spec: WorkflowSpec;
  enabled: boolean;
}

/** A run row with its trigger's values parsed. */
export interface RunRecord extends Omit<RunsTable, "trigger_values"> {
  trigger_values: Record<string, unknown>;
}

/** A step row with its rendered input and its output parsed (null when not JSON). */
export interface RunStepRecord extends Omit<RunStepsTable, "input" | "output"> {
  input: unknown;
  output: unknown;
}

/** A run with its steps in order. */
export interface RunWithSteps {
  run: RunRecord;
  steps: RunStepRecord[];
}

const triggerValuesJson = z.record(z.string(), z.unknown());

/** JSON text as a value; null when it is not JSON (a row written by hand). */
function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** JSON text of a value; `undefined` is stored as `null`. */
const toJson = (value: unknown): string => JSON.stringify(value ?? null);

function readWorkflow(row: WorkflowsTable): WorkflowRecord {
  const { parsed, ...rest } = row;
  return { ...rest, spec: workflowSpecSchema.parse(JSON.parse(parsed)), enabled: row.enabled === 1 };
}

function writeWorkflow(record: WorkflowRecord): WorkflowsTable {
  const { spec, ...rest } = record;
  return { ...rest, parsed: JSON.stringify(spec), enabled: record.enabled ? 1 : 0 };
}

function readRun(row: RunsTable): RunRecord {
  const values = triggerValuesJson.safeParse(jsonOrNull(row.trigger_values));
  return { ...row, trigger_values: values.success ? values.data : {} };
}

function readStep(row: RunStepsTable): RunStepRecord {
  return { ...row, input: jsonOrNull(row.input), output: jsonOrNull(row.output) };
}

/** Queries over the plugin's tables; JSON columns are parsed on the way out and written on the way in. */
export class WorkflowStore {
  private readonly db: Kysely<WorkflowDb>;

  constructor(storage: Pick<StorageApi, "db">) {
    this.db = storage.db<WorkflowDb>();
  }

  async get(id: string): Promise<WorkflowRecord | undefined> {
    const row = await this.db.selectFrom("workflow_workflows").selectAll().where("id", "=", id).executeTakeFirst();
    return row && readWorkflow(row);
  }

  async byName(teamId: string, name: string): Promise<WorkflowRecord | undefined> {
    const row = await this.db
      .selectFrom("workflow_workflows")
      .selectAll()
      .where("team_id", "=", teamId)
      .where("name", "=", name)
      .executeTakeFirst();
    return row && readWorkflow(row);
  }

  async list(props: { teamId?: string } = {}): Promise<WorkflowRecord[]> {
    let q = this.db.selectFrom("workflow_workflows").selectAll();
    if (props.teamId) q = q.where("team_id", "=", props.teamId);
    return (await q.orderBy("name").orderBy("id").execute()).map(readWorkflow);
  }

  /** Enabled workflows of a team listening to a trigger. */
  async listening(props: { teamId: string; trigger: string }): Promise<WorkflowRecord[]> {
    const rows = await this.db
      .selectFrom("workflow_workflows")
      .selectAll()
      .where("trigger_type", "=", props.trigger)
      .where("team_id", "=", props.teamId)
      .where("enabled", "=", 1)
      .execute();
    return rows.map(readWorkflow);
  }

  /** Every enabled workflow (for subscriptions). */
  async enabled(): Promise<WorkflowRecord[]> {
    return (await this.db.selectFrom("workflow_workflows").selectAll().where("enabled", "=", 1).execute()).map(readWorkflow);
  }

  /** Store a new workflow; rejects on a taken (team, name). */
  async insert(record: WorkflowRecord): Promise<void> {
    await this.db.insertInto("workflow_workflows").values(writeWorkflow(record)).execute();
  }

  /** Replace a workflow's definition; its id, creation time and creator stay. */
  async replace(record: WorkflowRecord): Promise<void> {
    const { id: _id, create_at: _c, created_by: _b, ...changes } = writeWorkflow(record);
    await this.db.updateTable("workflow_workflows").set(changes).where("id", "=", record.id).execute();
  }

  async setEnabled(id: string, enabled: boolean): Promise<void> {
    await this.db
      .updateTable("workflow_workflows")
      .set({ enabled: enabled ? 1 : 0, update_at: Date.now() })
      .where("id", "=", id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom("workflow_workflows").where("id", "=", id).execute();
  }

  /** The latest run of each workflow. */
  async lastRuns(workflowIds: string[]): Promise<Map<string, RunRecord>> {
    const out = new Map<string, RunRecord>();
    if (!workflowIds.length) return out;
    const latest = this.db
      .selectFrom("workflow_runs")
      .select(["workflow_id", (eb) => eb.fn.max("started_at").as("at")])
      .where("workflow_id", "in", workflowIds)
      .groupBy("workflow_id")
      .as("latest");
    const rows = await this.db
      .selectFrom("workflow_runs")
      .innerJoin(latest, (join) =>
        join.onRef("latest.workflow_id", "=", "workflow_runs.workflow_id").onRef("latest.at", "=", "workflow_runs.started_at"),
      )
      .selectAll("workflow_runs")
      .orderBy("workflow_runs.id")
      .execute();
    for (const row of rows) out.set(row.workflow_id, readRun(row));
    return out;
  }

  async insertRun(run: RunRecord): Promise<void> {
    await this.db
      .insertInto("workflow_runs")
      .values({ ...run, trigger_values: toJson(run.trigger_values) })
      .execute();
  }

  async finishRun(props: { id: string; status: RunStatus; error: string; durationMs: number }): Promise<void> {
    await this.db
      .updateTable("workflow_runs")
      .set({ status: props.status, error: props.error, duration_ms: props.durationMs })
      .where("id", "=", props.id)
      .execute();
  }

  /**
   * Close runs left `running` by a process that stopped mid-run. Only runs
   * older than any run could last (50 steps × 60 s), since another live
   * process may own a younger one.
   */
  async closeInterrupted(olderThanMs: number): Promise<number> {
    const result = await this.db
      .updateTable("workflow_runs")
      .set({ status: "failed", error: "interrupted: the server stopped during the run" })
      .where("status", "=", "running")
      .where("started_at", "<", Date.now() - olderThanMs)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async insertStep(step: RunStepRecord): Promise<void> {
    await this.db
      .insertInto("workflow_run_steps")
      .values({ ...step, input: toJson(step.input), output: toJson(step.output) })
      .execute();
  }

  /** Runs, newest first, with their steps, and how many match. */
  async runs(props: {
    workflowId?: string;
    failed?: boolean;
    runId?: string;
    page: number;
    perPage: number;
  }): Promise<{ items: RunWithSteps[]; total: number }> {
    let q = this.db.selectFrom("workflow_runs");
    if (props.workflowId) q = q.where("workflow_id", "=", props.workflowId);
    if (props.failed) q = q.where("status", "=", "failed");
    if (props.runId) q = q.where("id", "=", props.runId);
    const [rows, count] = await Promise.all([
      q
        .selectAll()
        .orderBy("started_at", "desc")
        .orderBy("id", "desc")
        .limit(props.perPage)
        .offset(props.page * props.perPage)
        .execute(),
      q.select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirst(),
    ]);
    const ids = rows.map((r) => r.id);
    const steps = ids.length
      ? (await this.db.selectFrom("workflow_run_steps").selectAll().where("run_id", "in", ids).orderBy("idx").execute()).map(readStep)
      : [];
    return {
      items: rows.map((row) => ({ run: readRun(row), steps: steps.filter((s) => s.run_id === row.id) })),
      total: Number(count?.n ?? 0),
    };
  }
}
