import { describe, expect, it } from "vitest";
import { parse } from "zod/v4/core";
import type { WebHost } from "#common/web-plugin-api.ts";
import { ACTIVE_PAGE, activeIncidents, IncidentStore } from "./incident-store.ts";

/** The store's view of the host; `remove` and `receive` never reach the server. */
const host: WebHost = {
  pluginId: "incident",
  fetch: () => Promise.reject(new Error("no server in this test")),
  location: () => {
    throw new Error("no location in this test");
  },
  navigate: () => undefined,
  executeCommand: () => Promise.resolve(),
  useUser: () => undefined,
  useTeamUsers: () => [],
  UserPicker: () => null,
};

function incident(id: string, channelId: string) {
  return {
    id,
    name: `Incident ${id}`,
    team_id: "t1",
    channel_id: channelId,
    commander_user_id: "u1",
    current_stage: "Triage",
    stages: [{ name: "Triage" }],
    checklist: [],
    status: "active",
    create_at: 1,
    update_at: 2,
    end_at: 0,
  };
}

describe("IncidentStore.remove (custom_incident_incident_removed)", () => {
  it("drops the incident from the lists, and a detail of it goes back to the list", () => {
    const store = new IncidentStore(host);
    store.receive(incident("i1", "c1"));
    store.receive(incident("i2", "c2"));
    store.open("i1");
    let notified = 0;
    store.subscribe(() => notified++);
    store.remove("i1");
    expect(Object.keys(store.getSnapshot().incidents)).toEqual(["i2"]);
    expect(store.getSnapshot().view).toEqual({ kind: "list" });
    expect(notified).toBe(1);
  });

  it("keeps the view on another incident, and changes nothing for an incident it never had", () => {
    const store = new IncidentStore(host);
    store.receive(incident("i1", "c1"));
    store.receive(incident("i2", "c2"));
    store.open("i2");
    store.remove("i1");
    expect(store.getSnapshot().view).toMatchObject({ kind: "detail", incidentId: "i2" });
    const before = store.getSnapshot();
    store.remove("unknown");
    expect(store.getSnapshot()).toBe(before);
  });
});

function entry(id: string, createAt: number, summary = `entry ${id}`) {
  return { id, incident_id: "i1", type: "event_from_post", create_at: createAt, actor_user_id: "u1", summary, post_id: "p1", details: {} };
}

/** A host whose server answers the timeline GET with `items`, parsed by the route's schema like the real host does. */
function timelineHost(items: unknown[]): WebHost {
  return { ...host, fetch: (path, init) => Promise.resolve(parse(init.schema, path.endsWith("/timeline") ? { items } : {})) };
}

describe("IncidentStore timeline (custom_incident_timeline_entry_added / _removed)", () => {
  it("adds live entries in time order once, replaces a re-sent one and drops a removed one", async () => {
    const store = new IncidentStore(timelineHost([entry("e1", 10), entry("e3", 30)]));
    store.receiveTimelineEntry(entry("e0", 5));
    expect(store.getSnapshot().timelines.i1).toBeUndefined(); // not loaded: nothing to keep live
    await store.loadTimeline("i1");
    store.receiveTimelineEntry(entry("e2", 20));
    store.receiveTimelineEntry(entry("e2", 20));
    store.receiveTimelineEntry(entry("e3", 30, "edited summary"));
    store.receiveTimelineEntry({ id: "bad" });
    expect(store.getSnapshot().timelines.i1?.map((e) => [e.id, e.summary])).toEqual([
      ["e1", "entry e1"],
      ["e2", "entry e2"],
      ["e3", "edited summary"],
    ]);
    store.dropTimelineEntry("i1", "e2");
    expect(store.getSnapshot().timelines.i1?.map((e) => e.id)).toEqual(["e1", "e3"]);
  });
});

/** A server of `count` active incidents (newest first) answering the list route's paging and channel filter. */
function pagingHost(count: number): { host: WebHost; asked: string[] } {
  const all = Array.from({ length: count }, (_, i) => ({ ...incident(`i${i}`, `c${i}`), create_at: count - i }));
  const asked: string[] = [];
  const fetch: WebHost["fetch"] = (path, init) => {
    asked.push(path);
    const query = new URLSearchParams(path.split("?")[1]);
    const channelId = query.get("channel_id");
    const matching = channelId ? all.filter((i) => i.channel_id === channelId) : all;
    const page = Number(query.get("page") ?? 0);
    const perPage = Number(query.get("per_page") ?? 60);
    const items = matching.slice(page * perPage, (page + 1) * perPage);
    return Promise.resolve(parse(init.schema, { items, total_count: matching.length }));
  };
  return { host: { ...host, fetch }, asked };
}

describe("IncidentStore active list (issue 12, defect 5: the RHS stopped at 200)", () => {
  it("pages through hundreds of active incidents with a total, and always holds the current channel's incident", async () => {
    const { host: server } = pagingHost(230);
    const store = new IncidentStore(server);
    const held = () => activeIncidents(store.getSnapshot(), "t1").length;
    await store.loadActive("t1");
    expect([held(), store.getSnapshot().teams.t1?.total]).toEqual([ACTIVE_PAGE, 230]);
    for (let page = 1; held() < 230; page++) {
      await store.loadMoreActive("t1");
      expect(held()).toBe(Math.min(230, (page + 1) * ACTIVE_PAGE));
    }
    // In the channel of the oldest incident, after a fresh first page: it is read on its own and stays held.
    const fresh = new IncidentStore(server);
    expect(await fresh.loadChannelIncident({ teamId: "t1", channelId: "c229" })).toBe("i229");
    await fresh.loadActive("t1");
    expect(activeIncidents(fresh.getSnapshot(), "t1").map((i) => i.id)).toContain("i229");
    expect(activeIncidents(fresh.getSnapshot(), "t1")).toHaveLength(ACTIVE_PAGE + 1);
  });
});
