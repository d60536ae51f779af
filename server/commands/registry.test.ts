import { describe, expect, it } from "vitest";
import { CommandRegistry } from "./registry.ts";

const noop = () => ({ text: "" });

describe("CommandRegistry", () => {
  it("gives a trigger one owner and frees it on dispose", () => {
    const registry = new CommandRegistry();
    const first = registry.register("incident", { trigger: "/Incident", description: "Incidents", execute: noop });
    expect(registry.get("INCIDENT")?.pluginId).toBe("incident");
    expect(() => registry.register("other", { trigger: "incident", description: "Mine", execute: noop })).toThrow(
      "trigger: /incident is already registered by incident",
    );
    first.dispose();
    expect(registry.get("incident")).toBeUndefined();
    const second = registry.register("other", { trigger: "incident", description: "Mine", execute: noop });
    // A stale disposable does not remove the new owner's command.
    first.dispose();
    expect(registry.get("incident")?.pluginId).toBe("other");
    second.dispose();
  });

  it("lists autocomplete data sorted by trigger", () => {
    const registry = new CommandRegistry();
    registry.register("b", { trigger: "zeta", description: "Z", execute: noop });
    registry.register("a", {
      trigger: "alpha",
      description: "A",
      hint: "[x]",
      subcommands: [{ name: "go", description: "Go", hint: "<where>" }],
      execute: noop,
    });
    expect(registry.autocomplete()).toEqual([
      {
        trigger: "alpha",
        plugin_id: "a",
        description: "A",
        hint: "[x]",
        subcommands: [{ name: "go", hint: "<where>", description: "Go" }],
      },
      { trigger: "zeta", plugin_id: "b", description: "Z", hint: "", subcommands: [] },
    ]);
  });
});
