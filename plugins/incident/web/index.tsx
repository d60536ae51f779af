/**
 * @module incident/web
 * The Incident plugin's web side: the "Incidents" RHS (list, detail, start
 * form), the Incidents page (history, incident pages, metrics) with its
 * team-menu entry, a channel-header button toggling the RHS, a "Drill" badge in
 * a drill incident's channel header, cards for the bot's
 * `custom_incident_update` posts, and live updates from the plugin's
 * WebSocket events. Everything is registered through the host's registry,
 * which disposes it all when the plugin is disabled.
 */
// First: no zod parser compiled with `new Function` under the CSP.
import "#common/csp-safe-zod.ts";
import type { ComponentType } from "react";
import type { ChannelHeaderBadgeProps, PluginComponentProps, PostTypeProps, WebHost, WebPluginRegistry } from "#common/web-plugin-api.ts";
import type { WebSocketEvent } from "#common/wire.ts";
import { IncidentContext, type IncidentPluginContext } from "./context.tsx";
import { IncidentsRhs } from "./components/incidents-rhs.tsx";
import { DrillBadge } from "./components/drill-badge.tsx";
import { Icon } from "./components/icons.tsx";
import { UpdateCard } from "./components/update-card.tsx";
import { FORWARDED_POST, ForwardedCard } from "./forwarded-card.tsx";
import { Clock, IncidentStore } from "./incident-store.ts";
import { EVENTS, PLUGIN_ID, REMOVED_EVENT, TIMELINE_EVENTS, UPDATE_POST } from "./constants.ts";
import { registerPostMenuActions } from "./post-menu.ts";
import { IncidentsPage } from "./pages/history-page.tsx";
import { IncidentSidebar } from "./sidebar.ts";
import { WebhooksAdminPage } from "./pages/webhooks-admin-page.tsx";
import { AlertSourcesAdminPage } from "./pages/alert-sources-admin-page.tsx";

/** The plugin's events, each carrying the whole incident in `data.incident` (docs/incident.md). */
const EVENT_NAMES = Object.values(EVENTS).map((name) => `custom_${PLUGIN_ID}_${name}`);

export function register(registry: WebPluginRegistry, host: WebHost): void {
  const store = new IncidentStore(host);
  const clock = new Clock(1000);
  let rhsHandle: { show(): void; toggle(): void } | null = null;
  const sidebar = new IncidentSidebar(host);
  const context: IncidentPluginContext = { store, clock, host, sidebar, showRhs: () => rhsHandle?.show() };
  // The "Incidents" section of the channel sidebar (and "Hide ended"); read again when an incident starts or ends.
  sidebar.register(registry);
  const reloadSidebar = () => void sidebar.load().catch(() => undefined);
  reloadSidebar();

  /** Gives a component the plugin's context; a named wrapper keeps React devtools readable. */
  function provide<P extends PluginComponentProps>(Inner: ComponentType<P>, name: string): ComponentType<P> {
    const Provided = (props: P) => (
      <IncidentContext.Provider value={context}>
        <Inner {...props} />
      </IncidentContext.Provider>
    );
    Provided.displayName = name;
    return Provided;
  }

  const rhs = registry.registerRightHandSidebarComponent({
    id: "incident-rhs",
    title: "Incidents",
    component: provide(IncidentsRhs, "IncidentRhs"),
  });
  rhsHandle = rhs;

  registry.registerChannelHeaderButton({
    icon: <Icon name="siren" />,
    label: "Incidents",
    action: () => rhs.toggle(),
  });
  registry.registerChannelHeaderBadge({ component: provide<ChannelHeaderBadgeProps>(DrillBadge, "IncidentDrillBadge") });

  registry.registerPostTypeComponent(UPDATE_POST, provide<PostTypeProps>(UpdateCard, "IncidentUpdateCard"));
  registry.registerPostTypeComponent(FORWARDED_POST, ForwardedCard);

  const onIncidentEvent = (event: WebSocketEvent) => {
    if (event.event !== `custom_${PLUGIN_ID}_${EVENTS.updated}`) reloadSidebar();
    const incident = store.receive(event.data.incident);
    // An event without the incident (or one we can't read) still means the list changed.
    if (!incident) void store.reloadAll();
  };
  for (const name of EVENT_NAMES) registry.registerWebSocketEventHandler(name, onIncidentEvent);
  // Removed from a private incident's channel: the incident is gone for this user, at once.
  registry.registerWebSocketEventHandler(`custom_${PLUGIN_ID}_${REMOVED_EVENT}`, (event) => {
    const incidentId = event.data.incident_id;
    if (typeof incidentId === "string") store.remove(incidentId);
  });
  registry.registerWebSocketEventHandler(`custom_${PLUGIN_ID}_${TIMELINE_EVENTS.added}`, (event) => {
    store.receiveTimelineEntry(event.data.entry);
  });
  registry.registerWebSocketEventHandler(`custom_${PLUGIN_ID}_${TIMELINE_EVENTS.removed}`, (event) => {
    const { incident_id: incidentId, entry_id: entryId } = event.data;
    if (typeof incidentId === "string" && typeof entryId === "string") store.dropTimelineEntry(incidentId, entryId);
  });
  registerPostMenuActions(registry, context);
  // The history, incident pages and metrics (DESIGN.md section 10), reached from the team menu and the RHS.
  registry.registerPage({ path: "incidents", title: "Incidents", component: provide(IncidentsPage, "IncidentsPage") });
  registry.registerMainMenuAction({
    text: "Incidents",
    action: (location) => location.team && host.navigate(`/${location.team.name}/incidents`),
  });
  // Event subscriptions and their delivery log (DESIGN.md section 11), for system admins.
  registry.registerAdminConsolePage({ id: "webhooks", title: "Event subscriptions", component: WebhooksAdminPage });
  // Alert sources (DESIGN.md section 11): where Alertmanager and Grafana post, for system admins.
  registry.registerAdminConsolePage({ id: "alert-sources", title: "Alert sources", component: AlertSourcesAdminPage });
  // After a reconnect, events may have been missed: read the lists (and open timelines) again.
  registry.registerWebSocketEventHandler("hello", () => {
    reloadSidebar();
    void store.reloadAll();
    void store.reloadTimelines();
  });
}
