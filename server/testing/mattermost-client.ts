/**
 * @module testing/mattermost-client
 * The official `@mattermost/client` against a test server: a Client4 with a
 * test user's token, and a WebSocketClient recording its events — for the
 * compatibility tests of routes and events Mattermost clients use unchanged.
 */
import mm from "@mattermost/client";
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
      return new NodeWebSocket(props.url ? props.url(url) : url) as unknown as WebSocket;
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
