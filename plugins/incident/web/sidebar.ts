/**
 * @module sidebar
 * The "Incidents" section of the channel sidebar: the channels of active
 * incidents the user is in leave "Public/Private channels" for it (the host
 * sorts it naturally, as its own sections), and with the user's "Hide ended"
 * choice — kept on the server, per user — ended incidents' channels leave
 * the sidebar. What it reads comes from `GET /sidebar` and is read again when
 * an incident starts or ends, and after a reconnect.
 */
import * as z from "zod/mini";
import type { SidebarSectionHandle, WebHost, WebPluginRegistry } from "#common/web-plugin-api.ts";
import { API_BASE as API } from "./constants.ts";

const sidebarSchema = z.object({
  active_channel_ids: z.array(z.string()),
  ended_channel_ids: z.array(z.string()),
  hide_ended: z.boolean(),
});
type SidebarData = z.infer<typeof sidebarSchema>;

/** The sidebar's data, and the user's "Hide ended" choice, shared by the section and the RHS's toggle. */
export class IncidentSidebar {
  private active = new Set<string>();
  private ended = new Set<string>();
  private hideEnded = false;
  private handle: SidebarSectionHandle | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly host: WebHost) {}

  /** Register the section; call {@link load} to fill it. */
  register(registry: WebPluginRegistry): void {
    this.handle = registry.registerSidebarSection({
      id: "incidents",
      title: "Incidents",
      filter: (channel) => this.active.has(channel.id),
      hide: (channel) => this.hideEnded && this.ended.has(channel.id),
    });
  }

  /** Read the incident channels again (after a start or an end, a reconnect). */
  async load(): Promise<void> {
    this.apply(await this.host.fetch(`${API}/sidebar`, { schema: sidebarSchema }));
  }

  /** Whether ended incidents' channels are hidden. */
  readonly hidesEnded = (): boolean => this.hideEnded;

  /** Store the user's choice on the server; the sidebar follows its answer. */
  async setHideEnded(hide: boolean): Promise<void> {
    this.apply(await this.host.fetch(`${API}/sidebar`, { method: "PUT", body: { hide_ended: hide }, schema: sidebarSchema }));
  }

  /** For `useSyncExternalStore`. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private apply(data: SidebarData): void {
    this.active = new Set(data.active_channel_ids);
    this.ended = new Set(data.ended_channel_ids);
    this.hideEnded = data.hide_ended;
    this.handle?.refresh();
    for (const listener of [...this.listeners]) listener();
  }
}
