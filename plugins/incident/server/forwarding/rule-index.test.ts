import { describe, expect, it } from "vitest";
import type { Post } from "#common/wire.ts";
import { ForwardingRuleIndex, type ForwardingRuleInput, type MatchLookups, type SourceChannel } from "./rule-index.ts";

const TEAM = "t".repeat(26);
const OTHER_TEAM = "o".repeat(26);
const channels: Record<string, SourceChannel> = {
  alerts: { id: "alerts", team_id: TEAM, name: "alerts", type: "O", delete_at: 0 },
  support: { id: "support", team_id: TEAM, name: "support", type: "O", delete_at: 0 },
  secret: { id: "secret", team_id: TEAM, name: "secret", type: "P", delete_at: 0 },
  elsewhere: { id: "elsewhere", team_id: OTHER_TEAM, name: "alerts", type: "O", delete_at: 0 },
  inc1: { id: "inc1", team_id: TEAM, name: "incident-1", type: "O", delete_at: 0 },
};
const usernames: Record<string, string> = { alice: "alice", hookowner: "hookowner" };
const lookups: MatchLookups = {
  channel: async (id) => channels[id] ?? null,
  username: async (id) => usernames[id],
};

function post(props: { channel?: string; message?: string; user?: string; props?: Record<string, unknown> }): Post {
  return {
    id: "p",
    channel_id: props.channel ?? "alerts",
    user_id: props.user ?? "alice",
    root_id: "",
    message: props.message ?? "",
    type: "",
    props: props.props ?? {},
    create_at: 1,
    update_at: 1,
    edit_at: 0,
    delete_at: 0,
  };
}

function indexWith(rules: ForwardingRuleInput[], incidentId = "inc1"): ForwardingRuleIndex {
  const index = new ForwardingRuleIndex();
  index.upsertIncident({ incidentId, teamId: TEAM, channelId: incidentId, rules });
  return index;
}

async function incidents(index: ForwardingRuleIndex, p: Post): Promise<string[]> {
  return (await index.match(p, lookups)).map((m) => m.incidentId).sort();
}

describe("ForwardingRuleIndex", () => {
  it("matches keywords in the listed channels only, whole words, any case", async () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod"] }]);
    expect(await incidents(index, post({ message: "DB-Prod is down" }))).toEqual(["inc1"]);
    expect(await incidents(index, post({ message: "db-production is down" }))).toEqual([]);
    expect(await incidents(index, post({ channel: "support", message: "db-prod is down" }))).toEqual([]);
    expect(await incidents(index, post({ channel: "elsewhere", message: "db-prod is down" }))).toEqual([]);
  });

  it('"*" reads every public channel of the incident\'s team, never a private one', async () => {
    const index = indexWith([{ from: "*", keywords: ["db-prod"] }]);
    expect(await incidents(index, post({ channel: "support", message: "db-prod" }))).toEqual(["inc1"]);
    expect(await incidents(index, post({ channel: "secret", message: "db-prod" }))).toEqual([]);
    expect(await incidents(index, post({ channel: "elsewhere", message: "db-prod" }))).toEqual([]);
    const listed = indexWith([{ from: ["*"], keywords: ["db-prod"] }]);
    expect(await incidents(listed, post({ channel: "support", message: "db-prod" }))).toEqual(["inc1"]);
  });

  it("never reads a private channel, even when a rule names it", async () => {
    const index = indexWith([
      { from: ["secret"], keywords: ["db-prod"] },
      { from: ["secret"], regex: "." },
    ]);
    expect(await incidents(index, post({ channel: "secret", message: "db-prod" }))).toEqual([]);
  });

  it("never forwards from the incident's own channel", async () => {
    const index = indexWith([{ from: "*", keywords: ["db-prod"] }]);
    expect(await incidents(index, post({ channel: "inc1", message: "db-prod" }))).toEqual([]);
  });

  it("requires every keyword with match: all", async () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod", "critical"], match: "all" }]);
    expect(await incidents(index, post({ message: "db-prod warning" }))).toEqual([]);
    expect(await incidents(index, post({ message: "CRITICAL: db-prod" }))).toEqual(["inc1"]);
  });

  it("drops posts holding an excluded keyword", async () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod"], exclude_keywords: ["resolved"] }]);
    expect(await incidents(index, post({ message: "db-prod RESOLVED" }))).toEqual([]);
    expect(await incidents(index, post({ message: "db-prod unresolved" }))).toEqual(["inc1"]);
  });

  it("takes the regex as an alternative to the keywords with match: any (case-insensitive)", async () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod"], regex: "ERR-[0-9]+" }]);
    expect(await incidents(index, post({ message: "db-prod is slow" }))).toEqual(["inc1"]);
    expect(await incidents(index, post({ message: "saw err-500" }))).toEqual(["inc1"]);
    expect(await incidents(index, post({ message: "saw ERR-x" }))).toEqual([]);
    expect(await incidents(index, post({ channel: "support", message: "saw ERR-42" }))).toEqual([]);
    const alone = indexWith([{ from: ["alerts"], regex: "ERR-[0-9]+" }]);
    expect(await incidents(alone, post({ message: "saw ERR-42" }))).toEqual(["inc1"]);
    expect(await incidents(alone, post({ message: "all quiet" }))).toEqual([]);
  });

  it("requires every keyword and the regex with match: all", async () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod"], regex: "ERR-[0-9]+", match: "all" }]);
    expect(await incidents(index, post({ message: "db-prod is slow" }))).toEqual([]);
    expect(await incidents(index, post({ message: "saw ERR-500" }))).toEqual([]);
    expect(await incidents(index, post({ message: "db-prod ERR-500" }))).toEqual(["inc1"]);
  });

  it("never matches with a regex that does not compile, and says which rule and why", async () => {
    const index = new ForwardingRuleIndex();
    const broken = index.upsertIncident({
      incidentId: "inc1",
      teamId: TEAM,
      channelId: "inc1",
      rules: [
        { from: ["alerts"], keywords: ["db"] },
        { from: ["alerts"], regex: "(" },
        { from: ["alerts"], regex: "(?=db)d" },
      ],
    });
    expect(await incidents(index, post({ message: "( d" }))).toEqual([]);
    expect(broken).toEqual([
      { ruleIndex: 1, reason: "the regex is not valid RE2 syntax: missing closing ): `(`" },
      {
        ruleIndex: 2,
        reason:
          "the regex is not valid RE2 syntax: invalid or unsupported Perl syntax: `(?=`; RE2 syntax has no lookaround ((?=, (?!, (?<=, (?<!) and no backreferences (\\1)",
      },
    ]);
    expect(await incidents(index, post({ message: "db" }))).toEqual(["inc1"]);
  });

  it("runs a regex in time linear in the text: RE2 semantics, no backtracking", async () => {
    // `(a+)+$` against a run of a's and one other character backtracks exponentially in JavaScript's engine.
    const index = indexWith([{ from: ["alerts"], regex: "(a+)+$" }]);
    expect(await incidents(index, post({ message: `${"a".repeat(31)}!` }))).toEqual([]);
    expect(await incidents(index, post({ message: "xaaaa" }))).toEqual(["inc1"]);
  });

  it("checks authors: usernames, and for webhook posts the override username and display name", async () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod"], authors: ["@Alertmanager", "alice"] }]);
    expect(await incidents(index, post({ message: "db-prod", user: "alice" }))).toEqual(["inc1"]);
    expect(await incidents(index, post({ message: "db-prod", user: "hookowner" }))).toEqual([]);
    const fromHook = { from_webhook: "true", override_username: "alertmanager", webhook_display_name: "Prometheus" };
    expect(await incidents(index, post({ message: "db-prod", user: "hookowner", props: fromHook }))).toEqual(["inc1"]);
    // Not a webhook post: its props claim nothing.
    expect(await incidents(index, post({ message: "db-prod", user: "hookowner", props: { override_username: "alertmanager" } }))).toEqual(
      [],
    );
    const byDisplayName = indexWith([{ from: ["alerts"], authors: ["prometheus"] }]);
    expect(await incidents(byDisplayName, post({ message: "anything", user: "hookowner", props: fromHook }))).toEqual(["inc1"]);
  });

  it("reads the text of attachments", async () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod"] }]);
    for (const attachment of [
      { title: "db-prod" },
      { text: "db-prod" },
      { fallback: "db-prod" },
      { pretext: "db-prod" },
      { fields: [{ title: "db-prod", value: "x" }] },
      { fields: [{ title: "host", value: "db-prod" }] },
    ]) {
      expect(await incidents(index, post({ props: { attachments: [attachment] } }))).toEqual(["inc1"]);
    }
    expect(await incidents(index, post({ props: { attachments: [{ title: "db", text: "prod" }] } }))).toEqual([]);
  });

  it("gives one match per incident when several rules meet the post, and one per incident across incidents", async () => {
    const index = indexWith([
      { from: ["alerts"], keywords: ["db-prod"] },
      { from: "*", keywords: ["latency"] },
      { from: ["alerts"], regex: "db" },
    ]);
    index.upsertIncident({ incidentId: "inc2", teamId: TEAM, channelId: "inc2", rules: [{ from: ["alerts"], keywords: ["latency"] }] });
    const matches = await index.match(post({ message: "db-prod latency" }), lookups);
    expect(matches).toEqual([
      { incidentId: "inc1", incidentChannelId: "inc1", ruleIndexes: [0, 1, 2] },
      { incidentId: "inc2", incidentChannelId: "inc2", ruleIndexes: [0] },
    ]);
  });

  it("forgets an incident's rules when it is removed, and replaces them on upsert", async () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod"] }]);
    index.removeIncident("inc1");
    expect(index.ruleCount).toBe(0);
    expect(await incidents(index, post({ message: "db-prod" }))).toEqual([]);
    index.upsertIncident({ incidentId: "inc1", teamId: TEAM, channelId: "inc1", rules: [{ from: ["alerts"], keywords: ["payments"] }] });
    expect(await incidents(index, post({ message: "db-prod" }))).toEqual([]);
    expect(await incidents(index, post({ message: "payments" }))).toEqual(["inc1"]);
  });

  it("rebuilds the automaton only for keywords it has not seen", async () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod"] }]);
    await index.match(post({ message: "x" }), lookups);
    expect(index.builds).toBe(1);
    index.upsertIncident({ incidentId: "inc2", teamId: TEAM, channelId: "inc2", rules: [{ from: ["alerts"], keywords: ["DB-PROD"] }] });
    index.removeIncident("inc1");
    expect(await incidents(index, post({ message: "db-prod" }))).toEqual(["inc2"]);
    expect(index.builds).toBe(1);
    index.upsertIncident({ incidentId: "inc3", teamId: TEAM, channelId: "inc3", rules: [{ from: ["alerts"], keywords: ["payments"] }] });
    expect(await incidents(index, post({ message: "payments" }))).toEqual(["inc3"]);
    expect(index.builds).toBe(2);
  });

  it("finds keywords added after the main automaton was built, and merges them once they are many", async () => {
    const index = new ForwardingRuleIndex();
    for (let i = 0; i < 100; i++)
      index.upsertIncident({
        incidentId: `a${i}`,
        teamId: TEAM,
        channelId: `a${i}`,
        rules: [{ from: ["alerts"], keywords: [`svc-${i}`] }],
      });
    index.prepare();
    index.upsertIncident({ incidentId: "late", teamId: TEAM, channelId: "late", rules: [{ from: ["alerts"], keywords: ["late-svc"] }] });
    expect(await incidents(index, post({ message: "svc-3 and late-svc" }))).toEqual(["a3", "late"]);
    for (let i = 0; i < 600; i++)
      index.upsertIncident({
        incidentId: `b${i}`,
        teamId: TEAM,
        channelId: `b${i}`,
        rules: [{ from: ["alerts"], keywords: [`new-${i}`] }],
      });
    expect(await incidents(index, post({ message: "svc-99, late-svc, new-599" }))).toEqual(["a99", "b599", "late"]);
  });

  it("compacts stale keywords once they outnumber live ones, keeping the live rules", async () => {
    const index = new ForwardingRuleIndex();
    for (let i = 0; i < 1100; i++)
      index.upsertIncident({
        incidentId: `old${i}`,
        teamId: TEAM,
        channelId: `old${i}`,
        rules: [{ from: ["alerts"], keywords: [`svc-${i}`] }],
      });
    index.upsertIncident({ incidentId: "keep", teamId: TEAM, channelId: "keep", rules: [{ from: ["alerts"], keywords: ["svc-5"] }] });
    for (let i = 0; i < 1100; i++) index.removeIncident(`old${i}`);
    expect(index.ruleCount).toBe(1);
    expect(await incidents(index, post({ message: "svc-5 svc-6" }))).toEqual(["keep"]);
  });

  it("looks nothing up for a post no rule could want", async () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod"] }]);
    let lookupsMade = 0;
    const counting: MatchLookups = { channel: async (id) => (lookupsMade++, channels[id] ?? null), username: async () => undefined };
    expect(await index.match(post({ message: "all quiet" }), counting)).toEqual([]);
    expect(lookupsMade).toBe(0);
  });

  it("a keyword many match-all rules share (critical) makes none of them a candidate alone, and each still matches with its own keyword", async () => {
    const index = new ForwardingRuleIndex();
    for (let i = 0; i < 50; i++) {
      index.upsertIncident({
        incidentId: `i${i}`,
        teamId: TEAM,
        channelId: `i${i}`,
        rules: [{ from: ["alerts"], keywords: [`svc-${i}`, "critical"], match: "all" }],
      });
    }
    const critical = index.candidates(post({ message: "severity=critical on something else" }));
    expect(critical?.rules.size ?? 0).toBeLessThanOrEqual(1);
    expect(await incidents(index, post({ message: "severity=critical on something else" }))).toEqual([]);
    expect(await incidents(index, post({ message: "svc-7 severity=critical" }))).toEqual(["i7"]);
    expect(await incidents(index, post({ message: "svc-0 severity=critical" }))).toEqual(["i0"]);
    expect(await incidents(index, post({ message: "svc-7 severity=warning" }))).toEqual([]);
    index.removeIncident("i0");
    index.upsertIncident({
      incidentId: "late",
      teamId: TEAM,
      channelId: "late",
      rules: [{ from: ["alerts"], keywords: ["critical", "late-svc"], match: "all" }],
    });
    expect(await incidents(index, post({ message: "svc-0 critical late-svc" }))).toEqual(["late"]);
  });

  it("rules out a post without any keyword of a rule in the synchronous step", () => {
    const index = indexWith([{ from: ["alerts"], keywords: ["db-prod"], exclude_keywords: ["dry-run"] }]);
    expect(index.candidates(post({ message: "all quiet" }))).toBeNull();
    expect(index.candidates(post({ message: "dry-run only" }))).toBeNull();
    expect(index.candidates(post({ message: "db-prod down" }))?.rules.size).toBe(1);
    const bySource = indexWith([{ from: ["alerts"], regex: "ERR-[0-9]+" }]);
    expect(bySource.candidates(post({ message: "all quiet" }))).not.toBeNull();
  });
});
