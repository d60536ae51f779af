/**
 * @module realtime/socket
 * The one WebSocket of a browser tab (`/api/v4/websocket`, authenticated by
 * the session cookie on upgrade), reconnecting with exponential backoff.
 */
import { webSocketEventSchema } from "#common/wire-schemas.ts";
import type { WebSocketEvent } from "#common/wire.ts";
import type { WireParser } from "../api/wire-parser.ts";
import type { ConnectionState } from "../store/state.ts";

export interface RealtimeSocketProps {
  /** Checks each event's envelope; one that does not match is reported and dropped. */
  wire: WireParser;
  /** Every event, `hello` included. */
  onEvent(event: WebSocketEvent): void;
  onStateChange(state: ConnectionState): void;
  /** The connection came back after a drop: events may have been missed. */
  onResync(): void;
  /** The server ended the session (logout elsewhere, deactivation). */
  onSessionEnded(): void;
}

const SESSION_ENDED = 4001;
const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

/** Connects once `start()` is called; `stop()` closes for good. */
export class RealtimeSocket {
  private ws: WebSocket | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private everOpened = false;
  private actionSeq = 0;

  constructor(private readonly props: RealtimeSocketProps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ws?.close(1000, "bye");
    this.ws = null;
  }

  /**
   * Send an action to the server (Mattermost's `{action, seq, data}`, e.g.
   * `user_typing`). False when the socket is not open: actions are not
   * queued, they only matter now.
   */
  send(action: string, data: Record<string, unknown>): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    this.actionSeq += 1;
    ws.send(JSON.stringify({ action, seq: this.actionSeq, data }));
    return true;
  }

  private connect(): void {
    const protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${protocol}//${window.location.host}/api/v4/websocket`);
    this.ws = ws;
    this.props.onStateChange(this.everOpened ? "reconnecting" : "connecting");
    ws.onmessage = (message) => {
      let frame: unknown;
      try {
        frame = JSON.parse(String(message.data));
      } catch {
        return;
      }
      // Replies to actions (`{status, seq_reply}`) carry no event.
      if (typeof frame !== "object" || frame === null || !("event" in frame)) return;
      const event: WebSocketEvent | null = this.props.wire.parseOrNull(
        webSocketEventSchema,
        frame,
        `a WebSocket event (${String(frame.event)})`,
      );
      if (!event) return;
      if (event.event === "hello") {
        this.attempts = 0;
        this.props.onStateChange("open");
        if (this.everOpened) this.props.onResync();
        this.everOpened = true;
      }
      this.props.onEvent(event);
    };
    ws.onclose = (close) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (close.code === SESSION_ENDED) {
        this.stopped = true;
        this.props.onSessionEnded();
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    this.props.onStateChange("reconnecting");
    const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.attempts);
    this.attempts += 1;
    const delay = base / 2 + Math.random() * (base / 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }
}
