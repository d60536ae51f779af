/**
 * @module incident/common/checklist
 * The one order of a checklist: every stage's items in stage order, then the
 * items not tied to a stage; within each group by position. Item numbers
 * (`/incident check 3`) are the items' own (given at creation, never reused),
 * so a list in this order may show them out of sequence.
 */

/**
 * Sort items into display order. Items of a stage the incident does not have
 * (never made by the plugin) go with the stage-less ones.
 * @example orderChecklist([{stage: null, position: 1}, {stage: "Triage", position: 2}], ["Triage"]) // Triage item first
 */
export function orderChecklist<T extends { stage: string | null; position: number }>(items: readonly T[], stages: readonly string[]): T[] {
  const rank = (item: T) => {
    const index = item.stage === null ? -1 : stages.indexOf(item.stage);
    return index < 0 ? stages.length : index;
  };
  return [...items].sort((a, b) => rank(a) - rank(b) || a.position - b.position);
}

/** Find a stage by name, case-insensitively; returns the stage's own spelling. */
export function findStage(stages: readonly string[], name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  return stages.find((s) => s.toLowerCase() === wanted);
}
