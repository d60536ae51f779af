/**
 * @module incident-store
 * One store per registration of the plugin (never a module-level singleton):
 * the incidents the user has seen, which RHS view is open, and the actions
 * that change incidents on the server. Components read it through
 * `useSyncExternalStore`; HTTP answers and WebSocket events both land in
 * {@link IncidentStore.upsert}, so every open view updates live.
 */
import * as z from "zod/mini";
import { WebFetchError, type WebHost } from "#common/web-plugin-api.ts";
import { channelMemberSchema, channelSchema } from "#common/wire-schemas.ts";
import type { CreateIncidentRequest } from "../common/types.ts";
import { API_BASE as API } from "./constants.ts";
import {
  incidentListSchema,
  incidentSchema,
  okSchema,
  playbookListSchema,
  statusUpdatePageSchema,
  statusUpdateSchema,
  timelineEntrySchema,
  timelineSchema,
  type Incident,
  type PlaybookSummary,
  type StatusUpdate,
  type TimelineEntry,
} from "./incident-types.ts";

/**
 * Which screen the RHS shows. `focus` is set when the user asked for it, so
 * the screen takes keyboard focus; an automatic switch (entering an incident
 * channel) leaves focus where it was.
 */
export type RhsView = (
  | { kind: "list" }
  | { kind: "detail"; incidentId: string; tab?: DetailTab }
  | { kind: "start" }
  /** Choosing the incident whose timeline gets a post (its channel runs none). */
  | { kind: "pick-timeline"; postId: string }
) & { focus?: boolean };

export type DetailTab = "overview" | "timeline";

export interface ViewOptions {
  /** Move keyboard focus to the new screen. */
  focus?: boolean;
  /** The detail's tab (overview when absent). */
  tab?: DetailTab;
}

/** Load state of one team's active list: the first `pages` pages of {@link ACTIVE_PAGE} are held. */
export interface TeamLoad {
  loading: boolean;
  loaded: boolean;
  error: string | null;
  /** How many active incidents the user may see in the team (the server's `total_count`). */
  total: number;
  pages: number;
}

/** Active incidents read per page: a team with hundreds pages through them ("Show more"). */
export const ACTIVE_PAGE = 50;

export interface IncidentState {
  /** Every incident seen, by id (active and ended). */
  incidents: Readonly<Record<string, Incident>>;
  teams: Readonly<Record<string, TeamLoad>>;
  view: RhsView;
  /** Channel names by channel id, for links. */
  channelNames: Readonly<Record<string, string>>;
  playbooks: Readonly<Record<string, PlaybookSummary[]>>;
  /** Timelines loaded (oldest first), by incident id; kept live by the timeline events. */
  timelines: Readonly<Record<string, readonly TimelineEntry[]>>;
  /** The last status update of each incident whose updates were read (null: none yet). */
  lastUpdates: Readonly<Record<string, StatusUpdate | null>>;
  /** The outcome of a post-menu action, shown atop the RHS until the next one. */
  notice: { text: string; error: boolean } | null;
  /** Whether the user is a member of each incident channel looked at (changes need membership). */
  memberships: Readonly<Record<string, boolean>>;
}

/** An error thrown by an action, with what the server said beyond the message. */
export interface ActionError {
  message: string;
  status?: number;
  id?: string;
  details?: unknown;
}

/** Turns anything thrown by `host.fetch` (a {@link WebFetchError}) or by the store into an {@link ActionError}. */
export function toActionError(error: unknown): ActionError {
  if (error instanceof WebFetchError) return { message: error.message, status: error.status, id: error.id, details: error.details };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The answer did not parse (the server sent something that is not what the route promises). */
function isBadAnswer(error: unknown): boolean {
  return error instanceof WebFetchError && error.id === BAD_ANSWER;
}
const BAD_ANSWER = "web.fetch.bad_answer";

/** Active incidents of a team, newest first. */
export function activeIncidents(state: IncidentState, teamId: string | undefined): Incident[] {
  if (!teamId) return [];
  return Object.values(state.incidents)
    .filter((i) => i.team_id === teamId && i.status === "active")
    .sort((a, b) => b.create_at - a.create_at);
}

export class IncidentStore {
  private state: IncidentState = {
    incidents: {},
    teams: {},
    view: { kind: "list" },
    channelNames: {},
    playbooks: {},
    timelines: {},
    lastUpdates: {},
    notice: null,
    memberships: {},
  };
  private readonly listeners = new Set<() => void>();
  private readonly channelLookups = new Set<string>();
  /** The channel the user is in: its active incident stays held whatever page it is on. */
  private currentChannelId: string | undefined;

  constructor(private readonly host: WebHost) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): IncidentState => this.state;

  private set(patch: Partial<IncidentState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // One failing listener never stops the others.
      }
    }
  }

  // ---- views ----

  open(incidentId: string, options: ViewOptions = {}): void {
    this.set({ view: { kind: "detail", incidentId, focus: options.focus, tab: options.tab } });
    if (!this.state.incidents[incidentId]) void this.loadIncident(incidentId).catch(() => undefined);
  }

  showList(options: ViewOptions = {}): void {
    this.set({ view: { kind: "list", focus: options.focus } });
  }

  /** Switches the open detail's tab (keeps focus where it is: the tab the user chose). */
  showTab(tab: DetailTab): void {
    if (this.state.view.kind === "detail") this.set({ view: { ...this.state.view, focus: false, tab } });
  }

  pickTimelineIncident(postId: string): void {
    this.set({ view: { kind: "pick-timeline", postId, focus: true } });
  }

  setNotice(notice: IncidentState["notice"]): void {
    this.set({ notice });
  }

  showStart(): void {
    this.set({ view: { kind: "start", focus: true } });
  }

  // ---- data in ----

  /** Replaces the incident by id unless what we hold is newer (HTTP answers and events race). */
  upsert(incident: Incident): void {
    const current = this.state.incidents[incident.id];
    if (current && incident.update_at < current.update_at) return;
    const channelNames = incident.channel_name
      ? { ...this.state.channelNames, [incident.channel_id]: incident.channel_name }
      : this.state.channelNames;
    this.set({ incidents: { ...this.state.incidents, [incident.id]: incident }, channelNames });
  }

  /**
   * The user may no longer see an incident (removed from its private
   * channel): it leaves every list, and a detail of it goes back to the list.
   */
  remove(incidentId: string): void {
    if (!this.state.incidents[incidentId] && !(this.state.view.kind === "detail" && this.state.view.incidentId === incidentId)) return;
    const incidents = { ...this.state.incidents };
    delete incidents[incidentId];
    const view =
      this.state.view.kind === "detail" && this.state.view.incidentId === incidentId ? { kind: "list" as const } : this.state.view;
    this.set({ incidents, view });
  }

  /** Parses and stores an incident from any source; ignores what isn't one. */
  receive(value: unknown): Incident | null {
    const parsed = incidentSchema.safeParse(typeof value === "string" ? safeJson(value) : value);
    if (!parsed.success) return null;
    this.upsert(parsed.data);
    return parsed.data;
  }

  /** Read the first page of the team's active incidents again (dropping the ones no longer active or visible). */
  async loadActive(teamId: string): Promise<void> {
    await this.loadActivePage(teamId, 0);
  }

  /** Read the next page of the team's active incidents. */
  async loadMoreActive(teamId: string): Promise<void> {
    await this.loadActivePage(teamId, this.state.teams[teamId]?.pages ?? 0);
  }

  private async loadActivePage(teamId: string, page: number): Promise<void> {
    const previous = this.state.teams[teamId];
    const kept = { loaded: previous?.loaded ?? false, total: previous?.total ?? 0, pages: previous?.pages ?? 0 };
    this.set({ teams: { ...this.state.teams, [teamId]: { ...kept, loading: true, error: null } } });
    try {
      const list = await this.host.fetch(
        `${API}/incidents?team_id=${encodeURIComponent(teamId)}&status=active&page=${page}&per_page=${ACTIVE_PAGE}`,
        { schema: incidentListSchema },
      );
      // A first page replaces what was held: this team's active incidents the server no longer lists go (ended or
      // no longer visible), except the current channel's, which is read on its own.
      const incidents: Record<string, Incident> = {};
      for (const [id, incident] of Object.entries(this.state.incidents)) {
        const replaced = page === 0 && incident.team_id === teamId && incident.status === "active";
        if (!replaced || incident.channel_id === this.currentChannelId) incidents[id] = incident;
      }
      const channelNames = { ...this.state.channelNames };
      for (const incident of list.items) {
        incidents[incident.id] = incident;
        if (incident.channel_name) channelNames[incident.channel_id] = incident.channel_name;
      }
      const load: TeamLoad = { loading: false, loaded: true, error: null, total: list.total_count, pages: page + 1 };
      this.set({ incidents, channelNames, teams: { ...this.state.teams, [teamId]: load } });
    } catch (error) {
      this.set({ teams: { ...this.state.teams, [teamId]: { ...kept, loading: false, error: toActionError(error).message } } });
    }
  }

  /**
   * Read the active incident of the channel the user is in, whichever page it
   * falls on, so the RHS always opens it. Resolves to its id, or null.
   */
  async loadChannelIncident(props: { teamId: string; channelId: string }): Promise<string | null> {
    this.currentChannelId = props.channelId;
    const query = `team_id=${encodeURIComponent(props.teamId)}&channel_id=${encodeURIComponent(props.channelId)}&status=active`;
    const list = await this.host.fetch(`${API}/incidents?${query}&per_page=1`, { schema: incidentListSchema });
    const found = list.items[0];
    if (found) this.upsert(found);
    return found?.id ?? null;
  }

  /** Reloads every team list already shown, e.g. after the WebSocket reconnects. */
  async reloadAll(): Promise<void> {
    await Promise.all(Object.keys(this.state.teams).map((teamId) => this.loadActive(teamId)));
  }

  async loadIncident(incidentId: string): Promise<Incident> {
    const incident = await this.host.fetch(`${API}/incidents/${incidentId}`, { schema: incidentSchema });
    this.upsert(incident);
    return incident;
  }

  /** The channel's name for links; looked up once when the incident JSON lacks it. */
  channelName(channelId: string): string | undefined {
    const known = this.state.channelNames[channelId];
    if (known || this.channelLookups.has(channelId)) return known;
    this.channelLookups.add(channelId);
    void this.host
      .fetch(`/api/v4/channels/${channelId}`, { schema: channelSchema })
      .then((channel) => this.set({ channelNames: { ...this.state.channelNames, [channelId]: channel.name } }))
      .catch(() => this.channelLookups.delete(channelId));
    return undefined;
  }

  /** Whether the user is a member of the channel (404/403: not one), kept in `memberships`. */
  async loadMembership(channelId: string): Promise<boolean> {
    let member: boolean;
    try {
      await this.host.fetch(`/api/v4/channels/${channelId}/members/me`, { schema: channelMemberSchema });
      member = true;
    } catch (error) {
      if (!(error instanceof WebFetchError) || (error.status !== 404 && error.status !== 403)) throw error;
      member = false;
    }
    this.set({ memberships: { ...this.state.memberships, [channelId]: member } });
    return member;
  }

  /** Join the incident's channel (public incidents: a team member may), so its controls work. */
  async joinIncident(incident: Incident, userId: string): Promise<void> {
    await this.host.fetch(`/api/v4/channels/${incident.channel_id}/members`, {
      method: "POST",
      body: { user_id: userId },
      schema: channelMemberSchema,
    });
    this.set({ memberships: { ...this.state.memberships, [incident.channel_id]: true } });
  }

  /** Reads an incident's timeline; the timeline events keep it live afterwards. */
  async loadTimeline(incidentId: string): Promise<void> {
    const { items } = await this.host.fetch(`${API}/incidents/${incidentId}/timeline`, { schema: timelineSchema });
    this.set({ timelines: { ...this.state.timelines, [incidentId]: items } });
  }

  /** Reads again every timeline already loaded (after a reconnect). */
  async reloadTimelines(): Promise<void> {
    await Promise.all(Object.keys(this.state.timelines).map((id) => this.loadTimeline(id).catch(() => undefined)));
  }

  /** A `timeline_entry_added` event (or an answer): added (or replaced) in time order in a loaded timeline. */
  receiveTimelineEntry(value: unknown): void {
    const parsed = timelineEntrySchema.safeParse(value);
    if (!parsed.success) return;
    const entry = parsed.data;
    const current = this.state.timelines[entry.incident_id];
    if (!current) return;
    // The same entry again carries a newer summary (e.g. its post was edited): it replaces the old one.
    const items = [...current.filter((e) => e.id !== entry.id), entry].sort((x, y) => x.create_at - y.create_at);
    this.set({ timelines: { ...this.state.timelines, [entry.incident_id]: items } });
  }

  /** A `timeline_entry_removed` event (or an answer). */
  dropTimelineEntry(incidentId: string, entryId: string): void {
    const current = this.state.timelines[incidentId];
    if (!current?.some((e) => e.id === entryId)) return;
    this.set({ timelines: { ...this.state.timelines, [incidentId]: current.filter((e) => e.id !== entryId) } });
  }

  async addToTimeline(incidentId: string, postId: string): Promise<TimelineEntry> {
    const entry = await this.host.fetch(`${API}/incidents/${incidentId}/timeline`, {
      method: "POST",
      body: { post_id: postId },
      schema: timelineEntrySchema,
    });
    this.receiveTimelineEntry(entry);
    return entry;
  }

  async removeTimelineEntry(incidentId: string, entryId: string): Promise<void> {
    await this.host.fetch(`${API}/incidents/${incidentId}/timeline/${entryId}`, { method: "DELETE", schema: okSchema });
    this.dropTimelineEntry(incidentId, entryId);
  }

  /** The incident's last status update (for the form's prefill). */
  async loadLastUpdate(incidentId: string): Promise<StatusUpdate | null> {
    const page = await this.host.fetch(`${API}/incidents/${incidentId}/status-updates?page=0&per_page=1`, {
      schema: statusUpdatePageSchema,
    });
    const last = page.items[0] ?? null;
    this.set({ lastUpdates: { ...this.state.lastUpdates, [incidentId]: last } });
    return last;
  }

  async postStatusUpdate(incidentId: string, message: string): Promise<StatusUpdate> {
    const update = await this.host.fetch(`${API}/incidents/${incidentId}/status-updates`, {
      method: "POST",
      body: { message },
      schema: statusUpdateSchema,
    });
    this.set({ lastUpdates: { ...this.state.lastUpdates, [incidentId]: update } });
    return update;
  }

  /** The active incident run in a channel, if the user can see one. */
  async incidentOfChannel(channelId: string): Promise<Incident | null> {
    const known = Object.values(this.state.incidents).find((i) => i.channel_id === channelId && i.status === "active");
    if (known) return known;
    const list = await this.host.fetch(`${API}/incidents?channel_id=${encodeURIComponent(channelId)}&per_page=10`, {
      schema: incidentListSchema,
    });
    for (const incident of list.items) this.upsert(incident);
    return list.items.find((i) => i.status === "active") ?? list.items[0] ?? null;
  }

  /** Opens the start dialog with a message quoted (`POST /incidents/dialog`). */
  async openStartDialog(input: { teamId: string; channelId: string; postId?: string }): Promise<void> {
    await this.host.fetch(`${API}/incidents/dialog`, {
      method: "POST",
      body: { team_id: input.teamId, channel_id: input.channelId, post_id: input.postId },
      schema: z.object({}),
    });
  }

  async loadPlaybooks(teamId: string): Promise<PlaybookSummary[]> {
    const { items: playbooks } = await this.host.fetch(`${API}/playbooks?team_id=${encodeURIComponent(teamId)}`, {
      schema: playbookListSchema,
    });
    this.set({ playbooks: { ...this.state.playbooks, [teamId]: playbooks } });
    return playbooks;
  }

  // ---- actions: each stores the server's answer, so the caller's view updates even before the event ----

  /**
   * Sends a change of one incident and stores the incident the server answers
   * with; re-reads it when the answer is something else.
   */
  private async change(incidentId: string, request: { path: string; method: string; body?: unknown }): Promise<Incident> {
    try {
      const incident = await this.host.fetch(request.path, { method: request.method, body: request.body, schema: incidentSchema });
      this.upsert(incident);
      return incident;
    } catch (error) {
      if (isBadAnswer(error)) return this.loadIncident(incidentId);
      throw error;
    }
  }

  async start(input: CreateIncidentRequest): Promise<Incident> {
    try {
      const incident = await this.host.fetch(`${API}/incidents`, { method: "POST", body: input, schema: incidentSchema });
      this.upsert(incident);
      return incident;
    } catch (error) {
      if (isBadAnswer(error)) throw new Error("The server answered with something that is not an incident.");
      throw error;
    }
  }

  async changeStage(incidentId: string, stage: string): Promise<Incident> {
    return this.change(incidentId, { path: `${API}/incidents/${incidentId}`, method: "PATCH", body: { current_stage: stage } });
  }

  async changeCommander(incidentId: string, userId: string): Promise<Incident> {
    return this.change(incidentId, { path: `${API}/incidents/${incidentId}`, method: "PATCH", body: { commander_user_id: userId } });
  }

  async setChecked(incidentId: string, itemId: string, checked: boolean): Promise<Incident> {
    return this.change(incidentId, { path: `${API}/incidents/${incidentId}/checklist/${itemId}`, method: "PUT", body: { checked } });
  }

  async addItem(incidentId: string, title: string, stage: string | null): Promise<Incident> {
    const body = stage === null ? { title } : { title, stage };
    return this.change(incidentId, { path: `${API}/incidents/${incidentId}/checklist`, method: "POST", body });
  }

  async removeItem(incidentId: string, itemId: string): Promise<Incident> {
    return this.change(incidentId, { path: `${API}/incidents/${incidentId}/checklist/${itemId}`, method: "DELETE" });
  }

  /** Put a removed item back as it was (same number and state). */
  async restoreItem(incidentId: string, itemId: string): Promise<Incident> {
    return this.change(incidentId, { path: `${API}/incidents/${incidentId}/checklist/${itemId}/restore`, method: "POST" });
  }

  private patch(incidentId: string, body: Record<string, unknown>): Promise<Incident> {
    return this.change(incidentId, { path: `${API}/incidents/${incidentId}`, method: "PATCH", body });
  }

  async changeSeverity(incidentId: string, severity: string): Promise<Incident> {
    return this.patch(incidentId, { severity });
  }

  /** `userId` "" unassigns the role. */
  async assignRole(incidentId: string, role: string, userId: string): Promise<Incident> {
    return this.patch(incidentId, { roles: { [role]: userId } });
  }

  /** `assignee_user_id` "" unassigns; `due_at` 0 clears. */
  async changeItem(incidentId: string, itemId: string, body: { assignee_user_id?: string; due_at?: number }): Promise<Incident> {
    return this.change(incidentId, { path: `${API}/incidents/${incidentId}/checklist/${itemId}`, method: "PUT", body });
  }

  async end(incidentId: string): Promise<Incident> {
    return this.change(incidentId, { path: `${API}/incidents/${incidentId}/end`, method: "POST" });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A shared clock for "time since start": one timer for every visible
 * incident, running only while something shows elapsed time.
 */
export class Clock {
  private now = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly intervalMs = 1000) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (!this.timer) {
      this.now = Date.now();
      this.timer = setInterval(() => {
        this.now = Date.now();
        for (const l of this.listeners) l();
      }, this.intervalMs);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  };

  readonly getSnapshot = (): number => this.now;
}
