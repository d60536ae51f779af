import { describe, expect, it } from "vitest";
import { sortedChannels } from "./channel-order.ts";

const named = (...names: string[]) =>
  names.map((display_name) => ({ display_name, name: display_name.toLowerCase().replace(/\s+/g, "-") }));

describe("sortedChannels", () => {
  it("sorts naturally and case-insensitively", () => {
    const shown = sortedChannels(named("Load 100", "Town Square", "Load 10", "alerts", "Load 2", "Load 0", "Load 1", "Zebra", "ábaco"));
    expect(shown.map((c) => c.display_name)).toEqual([
      "ábaco",
      "alerts",
      "Load 0",
      "Load 1",
      "Load 2",
      "Load 10",
      "Load 100",
      "Town Square",
      "Zebra",
    ]);
  });

  it("breaks display-name ties by URL name", () => {
    const shown = sortedChannels([
      { display_name: "Ops", name: "ops-2" },
      { display_name: "ops", name: "ops-10" },
      { display_name: "OPS", name: "ops-1" },
    ]);
    expect(shown.map((c) => c.name)).toEqual(["ops-1", "ops-2", "ops-10"]);
  });
});
