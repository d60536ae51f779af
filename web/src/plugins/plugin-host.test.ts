/**
 * The plugin host's post-menu extension point (`registerPostMenuAction`, as
 * Mattermost's `registerPostDropdownMenuAction`): items listed per post by
 * their filter, a throwing filter hiding only its item, and every item gone
 * when its plugin is disabled.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { WebHost, WebLocation, WebPluginModule } from "#common/web-plugin-api.ts";
import type { Post, User, WebappPlugin } from "#common/wire.ts";
import { ApiClient } from "../api/client.ts";
import { channelsBySection, postMenuActionsFor } from "./contributions.ts";
import { PluginHost } from "./plugin-host.ts";
import { matchRoute } from "../router/router.ts";

const post = (props: Partial<Post> = {}): Post => ({
  id: "p1",
  channel_id: "c1",
  user_id: "u1",
  root_id: "",
  message: "db-1 is down",
  type: "",
  props: {},
  create_at: 1,
  update_at: 1,
  edit_at: 0,
  delete_at: 0,
  ...props,
});

const user: User = {
  id: "u1",
  username: "alice",
  email: "",
  first_name: "",
  last_name: "",
  nickname: "",
  roles: "system_user",
  is_bot: false,
  create_at: 0,
  update_at: 0,
  delete_at: 0,
};
const location: WebLocation = { user, team: null, channel: null };

/** A plugin host whose server lists `enabled` as the plugins with web code, and whose bundles are these modules. */
function hostWith(enabled: WebappPlugin[], modules: Record<string, WebPluginModule>) {
  const api = new ApiClient({ fetch: () => Promise.resolve(new Response(JSON.stringify(enabled), { status: 200 })) });
  const webHost = (pluginId: string): WebHost => ({
    pluginId,
    fetch: () => Promise.reject(new Error("not used here")),
    location: () => location,
    navigate: () => undefined,
    executeCommand: () => Promise.resolve(),
    useUser: () => undefined,
    useTeamUsers: () => [],
    UserPicker: () => null,
  });
  return new PluginHost({
    api,
    createWebHost: webHost,
    importBundle: (url) => {
      const module = modules[url];
      return module ? Promise.resolve(module) : Promise.reject(new Error(`no bundle at ${url}`));
    },
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("registerPostMenuAction", () => {
  it("lists a plugin's items for the posts their filters accept; choosing one gets the post and location", async () => {
    const chosen: Array<{ post: Post; location: WebLocation }> = [];
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const incident: WebPluginModule = {
      register(registry) {
        registry.registerPostMenuAction({
          text: "Start incident from this message",
          action: (p, l) => chosen.push({ post: p, location: l }),
        });
        registry.registerPostMenuAction({
          text: "Add to incident timeline",
          filter: (p) => p.type === "",
          action: () => undefined,
        });
        registry.registerPostMenuAction({
          text: "Broken",
          filter: () => {
            throw new Error("filter bug");
          },
          action: () => undefined,
        });
      },
    };
    const host = hostWith([{ id: "incident", version: "1.0.0", bundle_path: "/incident.js" }], { "/incident.js": incident });
    await host.sync();

    const forPlain = postMenuActionsFor(host.contributions.get(), post());
    expect(forPlain.map((a) => [a.pluginId, a.text])).toEqual([
      ["incident", "Start incident from this message"],
      ["incident", "Add to incident timeline"],
    ]);
    expect(postMenuActionsFor(host.contributions.get(), post({ type: "custom_incident_update" })).map((a) => a.text)).toEqual([
      "Start incident from this message",
    ]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`plugin incident's post menu filter for "Broken" failed`), expect.any(Error));

    forPlain[0]?.action(post(), location);
    expect(chosen).toEqual([{ post: post(), location }]);
  });

  it("removes a plugin's items when it is disabled, and a disposed item at once", async () => {
    const enabled: WebappPlugin[] = [{ id: "incident", version: "1.0.0", bundle_path: "/incident.js" }];
    let disposeOne: () => void = () => undefined;
    const module: WebPluginModule = {
      register(registry) {
        const first = registry.registerPostMenuAction({ text: "One", action: () => undefined });
        registry.registerPostMenuAction({ text: "Two", action: () => undefined });
        disposeOne = () => first.dispose();
      },
    };
    const host = hostWith(enabled, { "/incident.js": module });
    await host.sync();
    expect(host.contributions.get().postMenuActions.map((a) => a.text)).toEqual(["One", "Two"]);
    disposeOne();
    expect(host.contributions.get().postMenuActions.map((a) => a.text)).toEqual(["Two"]);

    enabled.length = 0; // the admin disabled it: the server lists it no more
    await host.sync();
    expect(host.contributions.get().postMenuActions).toEqual([]);
    expect(postMenuActionsFor(host.contributions.get(), post())).toEqual([]);
  });
});

describe("registerSidebarSection", () => {
  const channel = (id: string, display_name: string) => ({
    id,
    team_id: "t1",
    type: "O" as const,
    name: id,
    display_name,
    header: "",
    purpose: "",
    creator_id: "u1",
    create_at: 0,
    update_at: 0,
    delete_at: 0,
    last_post_at: 0,
    total_msg_count: 0,
  });

  it("holds the channels its filter accepts, refreshes when told, survives a throwing filter and goes with its plugin", async () => {
    const enabled: WebappPlugin[] = [{ id: "incident", version: "1.0.0", bundle_path: "/incident.js" }];
    const active = new Set(["inc-1"]);
    let refresh: () => void = () => undefined;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const module: WebPluginModule = {
      register(registry) {
        const section = registry.registerSidebarSection({ id: "active", title: "Incidents", filter: (c) => active.has(c.id) });
        refresh = () => section.refresh();
        registry.registerSidebarSection({
          id: "broken",
          title: "Broken",
          filter: () => {
            throw new Error("filter bug");
          },
        });
      },
    };
    const host = hostWith(enabled, { "/incident.js": module });
    await host.sync();
    const channels = [channel("town-square", "Town Square"), channel("inc-1", "Incident 1"), channel("inc-2", "Incident 2")];
    const split = () => channelsBySection(host.contributions.get().sidebarSections, channels);

    expect(split().sections.map((s) => [s.section.key, s.section.title, s.channels.map((c) => c.id)])).toEqual([
      ["incident:active", "Incidents", ["inc-1"]],
      ["incident:broken", "Broken", []],
    ]);
    expect(split().rest.map((c) => c.id)).toEqual(["town-square", "inc-2"]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`plugin incident's sidebar section "Broken" failed`), expect.any(Error));

    const before = host.contributions.get().sidebarSections;
    active.add("inc-2");
    refresh();
    expect(host.contributions.get().sidebarSections).not.toBe(before);
    expect(split().sections[0]?.channels.map((c) => c.id)).toEqual(["inc-1", "inc-2"]);

    enabled.length = 0;
    await host.sync();
    expect(host.contributions.get().sidebarSections).toEqual([]);
    expect(split().rest).toHaveLength(3);
  });
});

describe("registerAdminConsolePage", () => {
  it("keeps several pages of one plugin apart by id, each at its own address, and drops them with the plugin", async () => {
    const enabled: WebappPlugin[] = [{ id: "incident", version: "1.0.0", bundle_path: "/incident.js" }];
    const Page = () => null;
    const module: WebPluginModule = {
      register(registry) {
        registry.registerAdminConsolePage({ title: "Incidents", component: Page });
        registry.registerAdminConsolePage({ id: "alert-sources", title: "Alert sources", component: Page });
        registry.registerAdminConsolePage({ id: "event-subscriptions", title: "Event subscriptions", component: Page });
      },
    };
    const host = hostWith(enabled, { "/incident.js": module });
    await host.sync();
    expect(host.contributions.get().adminPages.map((p) => [p.pluginId, p.pageId, p.title])).toEqual([
      ["incident", "", "Incidents"],
      ["incident", "alert-sources", "Alert sources"],
      ["incident", "event-subscriptions", "Event subscriptions"],
    ]);
    expect(matchRoute("/admin_console/plugins/incident/alert-sources")).toEqual({
      page: "admin",
      section: "plugin",
      pluginId: "incident",
      pageId: "alert-sources",
    });
    expect(matchRoute("/admin_console/plugins/incident")).toEqual({ page: "admin", section: "plugin", pluginId: "incident", pageId: "" });

    enabled.length = 0;
    await host.sync();
    expect(host.contributions.get().adminPages).toEqual([]);
  });

  it("refuses a page id that is not one lowercase path segment, naming it", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    let thrown: unknown;
    const module: WebPluginModule = {
      register(registry) {
        try {
          registry.registerAdminConsolePage({ id: "Alert/Sources", title: "Alert sources", component: () => null });
        } catch (e) {
          thrown = e;
        }
      },
    };
    const host = hostWith([{ id: "incident", version: "1.0.0", bundle_path: "/incident.js" }], { "/incident.js": module });
    await host.sync();
    expect(String(thrown)).toContain(`id "Alert/Sources" must be lowercase letters, digits and -`);
    expect(host.contributions.get().adminPages).toEqual([]);
    error.mockRestore();
    warn.mockRestore();
  });
});
