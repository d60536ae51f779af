/**
 * @module testing/mattermost-client
 * The official `@mattermost/client` against a test server: a Client4 with a
 * test user's token, and a WebSocketClient recording its events — for the
 * compatibility tests of routes and events Mattermost clients use unchanged.
 */
import mm from "@mattermost/client";
import type { Draft } from "@mattermost/types/drafts";
import type { Team } from "@mattermost/types/teams";
import type { UserProfile } from "@mattermost/types/users";
import { WebSocket as NodeWebSocket } from "ws";
import { eventually } from "./eventually.ts";
import type { TestClient } from "./harness.ts";

const { Client4, WebSocketClient } = mm;

/**
 * Official sockets open now. The first silences `console.log` (the library
 * logs every connect and close) and, when there is none, lends `ws` as the
 * global WebSocket; the last to close puts both back.
 */
const shared = { open: 0, log: console.log, lentWebSocket: false };

/** One event as the official WebSocketClient hands it to its listeners. */
export interface OfficialEvent {
  event?: string;
  data?: unknown;
  broadcast?: unknown;
  seq?: number;
}

/**
 * Whole objects of the types Client4's `createUser`, `createTeam` and
 * `upsertDraft` take, from the fields a client really sends (the server
 * fills the rest, as Mattermost's does), so tests pass them without casts.
 */
export const officialShapes = {
  user(props: Pick<UserProfile, "username" | "email" | "password">): UserProfile {
    return {
      id: "",
      create_at: 0,
      update_at: 0,
      delete_at: 0,
      auth_service: "",
      nickname: "",
      first_name: "",
      last_name: "",
      position: "",
      roles: "",
      props: {},
      notify_props: {
        desktop: "default",
        desktop_sound: "default",
        calls_desktop_sound: "true",
        email: "true",
        mark_unread: "all",
        push: "default",
        push_status: "online",
        comments: "never",
        first_name: "false",
        channel: "true",
        mention_keys: "",
        highlight_keys: "",
      },
      last_password_update: 0,
      last_picture_update: 0,
      locale: "en",
      mfa_active: false,
      last_activity_at: 0,
      is_bot: false,
      bot_description: "",
      terms_of_service_id: "",
      terms_of_service_create_at: 0,
      ...props,
    };
  },
  team(props: Pick<Team, "name" | "display_name" | "type">): Team {
    return {
      id: "",
      create_at: 0,
      update_at: 0,
      delete_at: 0,
      description: "",
      email: "",
      company_name: "",
      allowed_domains: "",
      invite_id: "",
      allow_open_invite: props.type === "O",
      scheme_id: "",
      group_constrained: false,
      ...props,
    };
  },
  draft(props: Pick<Draft, "channel_id" | "message"> & Partial<Pick<Draft, "root_id" | "user_id">>): Draft {
    return { create_at: 0, update_at: 0, delete_at: 0, user_id: "", root_id: "", props: {}, ...props };
  },
};

/**
 * A socket for the official WebSocketClient's `newWebSocketFn`: `ws`, which
 * speaks the browser WebSocket API the client uses (`onopen`, `onmessage`,
 * `send`, `close`, `readyState`) but is typed apart from the DOM's — the one
 * place the two types meet.
 */
export function officialWebSocket(url: string): WebSocket {
  return new NodeWebSocket(url) as unknown as WebSocket;
}

/** A Client4 of the server at `baseUrl`, signed in with `user`'s token. */
export function officialClient(user: Pick<TestClient, "baseUrl" | "token">): InstanceType<typeof Client4> {
  const client = new Client4();
  client.setUrl(user.baseUrl);
  client.setToken(user.token ?? "");
  return client;
}

/**
 * The official WebSocketClient of `user`, connected (its `hello` received),
 * recording every event in `events`, every URL it connected to in `urls`,
 * and how often it was told to reload (`reloads()`: its missed-message
 * listeners fired, as the webapp's refetch everything) (Node 20 has no global
 * WebSocket, which the library reads `WebSocket.OPEN` from: `ws` stands in
 * while any is open). `client` is the WebSocketClient itself, for its actions;
 * `props.url` may send a connection elsewhere (another process).
 * @example const socket = await officialSocket(bob); await socket.waitFor("posted"); socket.close();
 */
export async function officialSocket(
  user: Pick<TestClient, "baseUrl" | "token">,
  props: { url?: (url: string) => string } = {},
): Promise<{
  client: InstanceType<typeof WebSocketClient>;
  events: OfficialEvent[];
  urls: string[];
  reloads(): number;
  waitFor(event: string, match?: (e: OfficialEvent) => boolean): Promise<OfficialEvent>;
  close(): void;
}> {
  if (shared.open++ === 0) {
    shared.log = console.log;
    console.log = () => {};
    shared.lentWebSocket = !("WebSocket" in globalThis);
    if (shared.lentWebSocket) Object.assign(globalThis, { WebSocket: NodeWebSocket });
  }
  const urls: string[] = [];
  const ws = new WebSocketClient({
    newWebSocketFn: (url: string) => {
      urls.push(url);
      return officialWebSocket(props.url ? props.url(url) : url);
    },
  });
  const events: OfficialEvent[] = [];
  ws.addMessageListener((msg) => void events.push(msg));
  // With a missed-message listener the client keeps its connection id and reconnects with it, as the webapp does.
  let reloads = 0;
  ws.addMissedMessageListener(() => void (reloads += 1));
  ws.initialize(`${user.baseUrl.replace(/^http/, "ws")}/api/v4/websocket`, user.token ?? "");
  const waitFor = (event: string, match: (e: OfficialEvent) => boolean = () => true) =>
    eventually(() => events.find((e) => e.event === event && match(e)), { what: `${event} on the official WebSocketClient` });
  await waitFor("hello");
  return {
    client: ws,
    events,
    urls,
    reloads: () => reloads,
    waitFor,
    close() {
      ws.close();
      if (--shared.open > 0) return;
      console.log = shared.log;
      if (shared.lentWebSocket) Reflect.deleteProperty(globalThis, "WebSocket");
    },
  };
}

/** How a Client4 call was refused, as the client hands it over (`ClientError`). */
export interface ClientRefusal {
  status_code?: number;
  message: string;
  server_error_id?: string;
}

/** The refusal of a Client4 call: its status, message and Mattermost error id; throws when the call succeeds. */
export async function clientRefusal(call: Promise<unknown>): Promise<ClientRefusal> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error("the call succeeded (or failed with something other than an Error)");
  const field = (name: string): unknown => (name in error ? Reflect.get(error, name) : undefined);
  const status = field("status_code");
  const id = field("server_error_id");
  return {
    status_code: typeof status === "number" ? status : undefined,
    message: error.message,
    server_error_id: typeof id === "string" ? id : undefined,
  };
}
