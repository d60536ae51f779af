/**
 * @module workflow/server/store
 * The plugin's tables (prefix `workflow_`): workflows, runs, and each run's
 * steps. Times are ms since the epoch; flags are 0/1; JSON is stored as text.
 */
import type { Kysely } from "kysely";
import type { PluginContext, PluginMigration } from "#plugin-api";
import type { RunJson, RunStatus, RunStepJson } from "../common/wire.ts";

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

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
};

/** Queries over the plugin's tables. */
export class WorkflowStore {
  readonly db: Kysely<WorkflowDb>;

  constructor(ctx: Pick<PluginContext, "storage">) {
    this.db = ctx.storage.db<WorkflowDb>();
  }

  get(id: string): Promise<WorkflowsTable | undefined> {
    return this.db.selectFrom("workflow_workflows").selectAll().where("id", "=", id).executeTakeFirst();
  }

  byName(teamId: string, name: string): Promise<WorkflowsTable | undefined> {
    return this.db.selectFrom("workflow_workflows").selectAll().where("team_id", "=", teamId).where("name", "=", name).executeTakeFirst();
  }

  list(props: { teamId?: string } = {}): Promise<WorkflowsTable[]> {
    let q = this.db.selectFrom("workflow_workflows").selectAll();
    if (props.teamId) q = q.where("team_id", "=", props.teamId);
    return q.orderBy("name").orderBy("id").execute();
  }

  /** Enabled workflows of a team listening to a trigger. */
  listening(props: { teamId: string; trigger: string }): Promise<WorkflowsTable[]> {
    return this.db
      .selectFrom("workflow_workflows")
      .selectAll()
      .where("trigger_type", "=", props.trigger)
      .where("team_id", "=", props.teamId)
      .where("enabled", "=", 1)
      .execute();
  }

  /** Every enabled workflow (for subscriptions). */
  enabled(): Promise<WorkflowsTable[]> {
    return this.db.selectFrom("workflow_workflows").selectAll().where("enabled", "=", 1).execute();
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
  async lastRuns(workflowIds: string[]): Promise<Map<string, RunsTable>> {
    const out = new Map<string, RunsTable>();
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
    for (const row of rows) out.set(row.workflow_id, row);
    return out;
  }

  async insertRun(row: RunsTable): Promise<void> {
    await this.db.insertInto("workflow_runs").values(row).execute();
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

  async insertStep(row: RunStepsTable): Promise<void> {
    await this.db.insertInto("workflow_run_steps").values(row).execute();
  }

  /** Runs, newest first, with their steps. */
  async runs(props: {
    workflowId?: string;
    failed?: boolean;
    runId?: string;
    page: number;
    perPage: number;
  }): Promise<{ items: RunJson[]; total_count: number }> {
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
    const steps = rows.length
      ? await this.db
          .selectFrom("workflow_run_steps")
          .selectAll()
          .where(
            "run_id",
            "in",
            rows.map((r) => r.id),
          )
          .orderBy("idx")
          .execute()
      : [];
    return {
      items: rows.map((r) =>
        presentRun(
          r,
          steps.filter((s) => s.run_id === r.id),
        ),
      ),
      total_count: Number(count?.n ?? 0),
    };
  }
}

export function presentStep(row: RunStepsTable): RunStepJson {
  return {
    index: row.idx,
    step_id: row.step_id,
    action: row.action,
    status: row.status,
    input: parseJson(row.input),
    output: parseJson(row.output),
    error: row.error,
    started_at: row.started_at,
    duration_ms: row.duration_ms,
  };
}

export function presentRun(row: RunsTable, steps: RunStepsTable[]): RunJson {
  return {
    id: row.id,
    workflow_id: row.workflow_id,
    workflow_name: row.workflow_name,
    team_id: row.team_id,
    trigger: row.trigger,
    trigger_values: (parseJson(row.trigger_values) as Record<string, unknown> | null) ?? {},
    status: row.status,
    error: row.error,
    depth: row.depth,
    started_at: row.started_at,
    duration_ms: row.duration_ms,
    steps: steps.map(presentStep),
  };
}
