/**
 * `sitrep playbook import` on two real-shaped Mattermost Playbooks files — an
 * export (`version: 1`, only the fields Playbooks exports) and a playbook as
 * its API answers (with channel and user ids, mapped by `--names`) — makes
 * YAML that `sitrep playbook lint` accepts, carrying over stages, items, due
 * times, the reminder, the retrospective template, broadcast channels and
 * invitees, and names each thing it dropped.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parsePlaybook } from "../common/playbook.ts";
import { durationOf, idNamesSchema, importPlaybook } from "./playbook-import.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const testdata = path.join(import.meta.dirname, "testdata");
const EXPORT = path.join(testdata, "playbooks-export-incident-resolution.json");
const API = path.join(testdata, "playbooks-api-security-incident.json");
const NAMES = path.join(testdata, "playbooks-api-security-incident.names.json");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sitrep-import-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, "utf8"));

describe("importPlaybook", () => {
  it("carries a Playbooks export over to a valid playbook and names what it drops", () => {
    const imported = importPlaybook(readJson(EXPORT));
    const parsed = parsePlaybook(imported.yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.spec).toMatchObject({
      name: "Customer-facing outage",
      description: "For any outage customers can see. Page the on-call, open a bridge, keep the status page current.",
      channel: { name_template: "outage", private: false },
      update_every: "30m",
      retrospective: { template: "### Summary\n\n### What went well\n\n### What went wrong\n\n### Action items\n" },
      stages: [
        { name: "Triage", checklist: [{ title: "Acknowledge the page", due: "5m" }, "Open a video bridge", "Set the severity"] },
        { name: "Mitigate", checklist: [{ title: "Update the status page", due: "30m" }, "Roll back the last deploy if it is the cause"] },
        { name: "Recover", checklist: ["Confirm error rates are back to normal", "Close the status page incident"] },
      ],
    });
    expect(imported.dropped).toEqual([
      'checklists[0].items[1] "Open a video bridge": description (Sitrep items have a title only)',
      'checklists[0].items[1] "Open a video bridge": command /zoom start (Sitrep items do not run commands)',
      'checklists[1].items[0] "Update the status page": description (Sitrep items have a title only)',
      "reminder_message_template: Sitrep's update reminder has its own text",
      "message_on_join: Sitrep posts no welcome message; put it in the description",
      "retrospective_reminder_interval_seconds: Sitrep does not remind about the retrospective",
      "signal_any_keywords: Sitrep starts incidents from keywords with a Workflow (a post trigger and start_incident)",
      "category_name: Sitrep lists active incident channels in its own Incidents section",
      "run_summary_template: Sitrep has no run summary; the status updates and the retrospective carry it",
      "metrics: Sitrep computes its metrics from the timeline instead of asking for numbers",
      "create_channel_member_on_new_participant: the incident channel's members are its participants already",
    ]);
  });

  it("maps an API-shaped playbook's channel and user ids to names, and lists the ids it could not name", () => {
    const named = importPlaybook(readJson(API), idNamesSchema.parse(readJson(NAMES)));
    const parsed = parsePlaybook(named.yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.spec).toMatchObject({
      name: "Security incident",
      channel: { name_template: "sec", private: true },
      update_every: "1h",
      broadcast: ["security-updates", "leadership"],
      invite: ["dana", "eli"],
      stages: [
        { name: "Contain", checklist: [{ title: "Rotate the leaked credential", due: "15m" }, "Revoke active sessions"] },
        { name: "Investigate", checklist: ["Collect access logs", "Decide whether to notify customers"] },
      ],
    });
    expect(named.dropped).toEqual([
      'checklists[0].items[1] "Revoke active sessions": assignee id k9dsmy7zo3fzujuc4ee5cxw3aw (set assignee to a role or a username)',
      'checklists[1].items[1] "Decide whether to notify customers": description (Sitrep items have a title only)',
      "invited_group_ids: Sitrep has no groups; list the usernames in invite",
      "webhook_on_creation_urls: use a Sitrep event subscription (incident.incident_started)",
      "create_channel_member_on_new_participant: the incident channel's members are its participants already",
      "remove_channel_member_on_removed_participant: the incident channel's members are its participants already",
      "channel_mode: a Sitrep playbook always starts a new channel (or --here)",
    ]);
    const unnamed = importPlaybook(readJson(API));
    expect(unnamed.dropped).toContain(
      "broadcast_channel_ids: channel ids ch4nn3lsecur1tyupdat3s0000, ch4nn3l1eadersh1p000000000 (give their names with --names)",
    );
    expect(unnamed.dropped).toContain("default_owner_id: user id k9dsmy7zo3fzujuc4ee5cxw3aw (give their names with --names)");
  });

  it("refuses what is not a Playbooks playbook, naming the field", () => {
    expect(() => importPlaybook({ checklists: [] })).toThrow(
      "not a Mattermost Playbooks playbook: title: Invalid input: expected string, received undefined",
    );
    expect(() => importPlaybook([])).toThrow(/^not a Mattermost Playbooks playbook: the file:/);
  });

  it("writes durations as Sitrep does", () => {
    expect([durationOf(300), durationOf(5400), durationOf(86_400), durationOf(1)]).toEqual(["5m", "1h30m", "24h", "1m"]);
  });
});

describe("sitrep playbook import", () => {
  it("writes YAML that sitrep playbook lint accepts, from the real command line", () => {
    const out = path.join(dir, "security.yaml");
    const imported = spawnSync("npx", ["tsx", "server/cli/index.ts", "playbook", "import", API, "--names", NAMES, "-o", out], {
      cwd: root,
      encoding: "utf8",
    });
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout.trim()).toBe(`${out}: playbook "Security incident"`);
    expect(imported.stderr).toContain("not carried over (7):");
    const lint = spawnSync("npx", ["tsx", "server/cli/index.ts", "playbook", "lint", out], { cwd: root, encoding: "utf8" });
    expect(lint.status, lint.stderr).toBe(0);
    expect(lint.stdout.trim()).toBe(`${out}: ok (playbook "Security incident")`);

    const printed = spawnSync("npx", ["tsx", "server/cli/index.ts", "playbook", "import", EXPORT], { cwd: root, encoding: "utf8" });
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/^# Imported from Mattermost Playbooks/);
    expect(printed.stderr).toContain("not carried over (11):");
  });
});
