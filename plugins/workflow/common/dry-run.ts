/**
 * @module workflow/common/dry-run
 * `sitrep workflow test`: what a workflow would do for a sample trigger
 * payload, with no side effects. Conditions are evaluated, each step's input
 * is rendered; results of earlier steps are unknown, so they render as
 * `<steps.id.value>` placeholders. A `message_posted` payload without `text`
 * gets the text of its post (`message` and `props.attachments`), as on a server.
 */
import { postText } from "#common/text-match.ts";
import { unmetConditions } from "./conditions.ts";
import { coerceParams } from "./params.ts";
import { renderValue, type TemplateScope } from "./templates.ts";
import type { LintCatalog, WorkflowSpec } from "./workflow.ts";

/** One step as it would run. */
export interface DryRunStep {
  index: number;
  step_id: string;
  action: string;
  /** The input, rendered and coerced to the parameter types. */
  input: Record<string, unknown>;
  /** Why the step would fail before it runs (a required value rendered empty, a bad type). */
  problems: string[];
}

/** What a workflow would do for one payload. */
export interface DryRunResult {
  trigger: string;
  /** True when every condition holds. */
  matched: boolean;
  /** Conditions that do not hold, with why. */
  unmet: string[];
  /** The steps that would run (all of them, even when the conditions do not hold, to preview). */
  steps: DryRunStep[];
}

/**
 * Evaluate a workflow against a sample payload.
 * @example dryRun({ spec, payload: { channel_name: "alerts", message: "SEV1 db down" }, catalog: STATIC_CATALOG })
 */
export function dryRun(props: { spec: WorkflowSpec; payload: Record<string, unknown>; catalog: LintCatalog }): DryRunResult {
  const { spec, payload, catalog } = props;
  const values =
    spec.trigger.type === "message_posted" && payload.text === undefined ? { ...payload, text: samplePostText(payload) } : payload;
  const unmet = unmetConditions(spec.trigger.type, spec.trigger.where, values);
  const scope: TemplateScope = { trigger: values, steps: {} };
  const steps = spec.steps.map((step, index): DryRunStep => {
    const rendered = renderValue(step.with, scope, (ref) => (ref.root === "steps" ? `<steps.${ref.path.join(".")}>` : undefined)) as Record<
      string,
      unknown
    >;
    const action = catalog.actions.find((a) => a.name === step.action);
    const problems: string[] = [];
    let input = rendered;
    if (!action) problems.push(`unknown action "${step.action}"`);
    else {
      const coerced = coerceParams(rendered, action.parameters);
      if (coerced.ok) input = coerced.params;
      else problems.push(...coerced.problems);
    }
    return { index, step_id: step.id ?? "", action: step.action, input, problems };
  });
  return { trigger: spec.trigger.type, matched: unmet.length === 0, unmet, steps };
}

/** The text of the post a sample `message_posted` payload describes. */
function samplePostText(payload: Record<string, unknown>): string {
  const props = payload.props !== null && typeof payload.props === "object" ? { ...payload.props } : {};
  return postText({ message: String(payload.message ?? ""), props });
}
