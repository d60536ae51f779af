import { describe, expect, it } from "vitest";
import { checklistGroups, checklistProgress, formatElapsed } from "./format.ts";
import { incidentSchema } from "./incident-types.ts";
import { suggestedChannelName } from "./components/start-form.tsx";

const incident = incidentSchema.parse({
  id: "i1",
  name: "DB down",
  team_id: "t1",
  channel_id: "c1",
  commander_user_id: "u1",
  current_stage: "Triage",
  stages: [{ name: "Triage" }, { name: "Mitigation" }],
  checklist: [
    { id: "a", number: 1, title: "Assign", stage: "Triage", checked: true, checked_by: "u1", checked_at: 5 },
    { id: "b", title: "Roll back", stage: "Mitigation", checked: false, checked_by: "", checked_at: 0 },
    { id: "c", number: 3, title: "Retro", stage: null, checked: false, checked_by: "", checked_at: 0 },
  ],
  status: "active",
  create_at: 1,
  update_at: 2,
  end_at: 0,
});

describe("formatElapsed", () => {
  it("writes seconds, minutes, hours with padded minutes, then days", () => {
    expect(formatElapsed(42_000)).toBe("42s");
    expect(formatElapsed(12 * 60_000)).toBe("12m");
    expect(formatElapsed(65 * 60_000)).toBe("1h 05m");
    expect(formatElapsed(26 * 3_600_000)).toBe("1d 02h");
    expect(formatElapsed(-5)).toBe("0s");
  });
});

describe("checklist", () => {
  it("groups by stage in stage order, stage-less items last, each item keeping its own number", () => {
    const groups = checklistGroups(incident);
    expect(groups.map((g) => [g.stage, g.items.map((i) => [i.id, i.number])])).toEqual([
      ["Triage", [["a", 1]]],
      ["Mitigation", [["b", 0]]],
      [null, [["c", 3]]],
    ]);
    expect(checklistProgress(incident)).toEqual({ done: 1, total: 3 });
  });

  it("fills documented defaults when the server omits optional parts", () => {
    expect(incident.forwarding).toEqual([]);
    expect(incident.playbook_id).toBe("");
  });
});

describe("suggestedChannelName", () => {
  it("reads details.suggestion first", () => {
    expect(suggestedChannelName({ message: "channel_name: taken", details: { suggestion: "db-down-2" } })).toBe("db-down-2");
    expect(suggestedChannelName({ message: 'channel_name: taken; try "db-down-3"' })).toBe("db-down-3");
    expect(suggestedChannelName({ message: "name: must not be empty" })).toBeNull();
  });
});
