import { describe, expect, it } from "vitest";
import { mattermostCommand } from "#common/slash-command.ts";
import type { SlashCommand } from "#common/wire.ts";
import { suggestionsFor } from "./suggestions.ts";

const commands: SlashCommand[] = [
  mattermostCommand({
    trigger: "incident",
    pluginId: "incident",
    teamId: "",
    hint: "[start|end]",
    description: "Incidents",
    subcommands: [
      { name: "start", hint: "<name>", description: "Start one" },
      { name: "stage", hint: "<name>", description: "Change stage" },
    ],
  }),
  mattermostCommand({ trigger: "info", pluginId: "", teamId: "", hint: "", description: "About", subcommands: [] }),
  {
    ...mattermostCommand({ trigger: "internal", pluginId: "", teamId: "", hint: "", description: "Hidden", subcommands: [] }),
    auto_complete: false,
  },
];

describe("suggestionsFor", () => {
  it("offers triggers while the first word is typed, case-insensitively", () => {
    expect(suggestionsFor("/in", commands).map((s) => s.label)).toEqual(["/incident", "/info"]);
    expect(suggestionsFor("/INC", commands).map((s) => s.complete)).toEqual(["/incident "]);
  });

  it("offers a trigger's subcommands after a space, and nothing once the subcommand is complete", () => {
    expect(suggestionsFor("/incident st", commands).map((s) => s.complete)).toEqual(["/incident start ", "/incident stage "]);
    expect(suggestionsFor("/incident start", commands)).toEqual([]);
    expect(suggestionsFor("/incident start now", commands)).toEqual([]);
  });

  it("offers nothing for text that is not a command, a second line, or an unknown trigger", () => {
    expect(suggestionsFor("hello /in", commands)).toEqual([]);
    expect(suggestionsFor("/in\nx", commands)).toEqual([]);
    expect(suggestionsFor("/nope st", commands)).toEqual([]);
  });
});
