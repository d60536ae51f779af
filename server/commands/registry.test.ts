import { describe, expect, it } from "vitest";
import { CommandRegistry } from "./registry.ts";

const noop = () => ({ text: "" });
const anywhere = { teamId: "" };

describe("CommandRegistry", () => {
  it("gives a trigger one owner and frees it on dispose", () => {
    const registry = new CommandRegistry();
    const first = registry.register("incident", { trigger: "/Incident", description: "Incidents", execute: noop });
    expect(registry.get("INCIDENT", anywhere)?.pluginId).toBe("incident");
    expect(() => registry.register("other", { trigger: "incident", description: "Mine", execute: noop })).toThrow(
      "trigger: /incident is already registered by incident",
    );
    first.dispose();
    expect(registry.get("incident", anywhere)).toBeUndefined();
    const second = registry.register("other", { trigger: "incident", description: "Mine", execute: noop });
    // A stale disposable does not remove the new owner's command.
    first.dispose();
    expect(registry.get("incident", anywhere)?.pluginId).toBe("other");
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
    // Mattermost `Command` objects, as `/teams/{id}/commands/autocomplete` answers them.
    const listed = registry.autocomplete({ teamIds: new Set() });
    expect(listed.map((c) => c.trigger)).toEqual(["alpha", "zeta"]);
    expect(listed[0]).toMatchObject({
      trigger: "alpha",
      auto_complete: true,
      auto_complete_desc: "A",
      auto_complete_hint: "[x]",
      autocomplete_data: { HelpText: "A", Hint: "[x]", SubCommands: [{ Trigger: "go", HelpText: "Go", Hint: "<where>" }] },
    });
    expect(listed[1]).toMatchObject({ trigger: "zeta", auto_complete_desc: "Z", auto_complete_hint: "" });
  });

  it("offers and runs a team's command in that team only", () => {
    const registry = new CommandRegistry();
    registry.register("host", { trigger: "deploy", description: "Team A's workflow", teamId: "team-a", execute: noop });
    registry.register("host", { trigger: "everywhere", description: "Any team", execute: noop });
    const triggers = (teamIds: string[]) => registry.autocomplete({ teamIds: new Set(teamIds) }).map((c) => c.trigger);
    expect(triggers(["team-a", "team-b"])).toEqual(["deploy", "everywhere"]);
    expect(triggers(["team-b"])).toEqual(["everywhere"]);
    expect(triggers([])).toEqual(["everywhere"]);
    expect(registry.get("deploy", { teamId: "team-a" })?.definition.description).toBe("Team A's workflow");
    expect(registry.get("deploy", { teamId: "team-b" })).toBeUndefined();
    expect(registry.get("deploy", { teamId: "" })).toBeUndefined();
    expect(registry.get("everywhere", { teamId: "" })?.pluginId).toBe("host");
  });
});
