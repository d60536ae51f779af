/**
 * @module plugins/dialogs
 * Interactive dialogs: a plugin opens a form in one user's browser (an
 * `open_dialog` event) and receives what the user submits.
 *
 * A pending dialog and its `onSubmit` callback live in the process that opened
 * it. With several processes behind a load balancer the browser's submit may
 * reach another one; that process asks the others over the bus
 * (`dialogs.submit`), the one holding the dialog submits it there and answers
 * (`dialogs.result`), and the asker replies exactly as a local submit would.
 */
import { z } from "zod";
import { newId } from "#common/ids.ts";
import type { DialogsApi } from "#plugin-api";
import { shownDialogElements, type Dialog } from "#common/wire.ts";
import { AppError, expectedOf, forbidden, notFound } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { EventBus } from "../realtime/bus.ts";
import type { RealtimeHub } from "../realtime/hub.ts";

type OpenProps = Parameters<DialogsApi["open"]>[0];

interface Pending {
  pluginId: string;
  props: OpenProps;
  expiresAt: number;
  /** Submitted, cancelled or its plugin disabled: kept a while so a late submit is refused here at once, not after asking the other processes. */
  done?: boolean;
}

interface SubmitProps {
  callbackId: string;
  userId: string;
  values: Record<string, string>;
  cancelled?: boolean;
}

/** Field errors to show, or nothing when the dialog is done. */
interface SubmitResult {
  errors?: Record<string, string>;
}

const TTL_MS = 30 * 60 * 1000;
/** How long a process waits for the one holding a dialog to answer. */
const REMOTE_TIMEOUT_MS = 5000;
const SUBMIT_TOPIC = "dialogs.submit";
const RESULT_TOPIC = "dialogs.result";

const submitRequest = z.object({
  requestId: z.string(),
  callbackId: z.string(),
  userId: z.string(),
  values: z.record(z.string(), z.string()),
  cancelled: z.boolean().optional(),
});
const submitAnswer = z.object({
  requestId: z.string(),
  result: z.object({ errors: z.record(z.string(), z.string()).optional() }).optional(),
  error: z.object({ status: z.number(), id: z.string(), message: z.string() }).optional(),
});
type SubmitAnswer = z.infer<typeof submitAnswer>;

const expired = () => notFound("dialog", "callback_id: this dialog has expired or was already submitted");

export class DialogRegistry {
  private readonly pending = new Map<string, Pending>();
  /** request id → resolver of a submit this process asked the others to run. */
  private readonly waiting = new Map<string, (answer: SubmitAnswer | undefined) => void>();
  private readonly realtime: Pick<RealtimeHub, "publish">;
  private readonly bus: EventBus;
  private readonly log: Logger;
  private readonly remoteTimeoutMs: number;
  private readonly unsubscribe: () => void;

  constructor(props: { realtime: Pick<RealtimeHub, "publish">; bus: EventBus; log: Logger; remoteTimeoutMs?: number }) {
    this.realtime = props.realtime;
    this.bus = props.bus;
    this.log = props.log;
    this.remoteTimeoutMs = props.remoteTimeoutMs ?? REMOTE_TIMEOUT_MS;
    this.unsubscribe = this.bus.subscribe((message) => {
      if (message.topic === SUBMIT_TOPIC && message.origin !== this.bus.processId) {
        const parsed = submitRequest.safeParse(message.payload);
        if (parsed.success) this.answer(parsed.data);
      } else if (message.topic === RESULT_TOPIC) {
        const parsed = submitAnswer.safeParse(message.payload);
        if (parsed.success) this.waiting.get(parsed.data.requestId)?.(parsed.data);
      }
    });
  }

  /** Open a dialog for a user; returns its callback id. */
  open(pluginId: string, props: OpenProps): string {
    const callbackId = newId();
    const now = Date.now();
    for (const [id, p] of this.pending) if (p.expiresAt + TTL_MS < now) this.pending.delete(id);
    this.pending.set(callbackId, { pluginId, props, expiresAt: now + TTL_MS });
    const dialog: Dialog = { ...props.dialog, callback_id: callbackId };
    this.realtime.publish(
      "open_dialog",
      { dialog, plugin_id: pluginId, channel_id: props.channelId, team_id: props.teamId },
      { userId: props.userId },
    );
    return callbackId;
  }

  /** Drop every pending dialog of a plugin (on disable). */
  disposePlugin(pluginId: string): void {
    for (const p of this.pending.values()) if (p.pluginId === pluginId) p.done = true;
  }

  /**
   * Submit a dialog as `userId`. Returns field errors to show, or nothing when
   * the dialog is done. Only the user it was opened for may submit it. A dialog
   * opened by another process is submitted there, through the bus.
   */
  async submit(props: SubmitProps): Promise<SubmitResult> {
    if (this.pending.has(props.callbackId) || !this.bus.crossesProcesses) return this.submitHere(props);
    return this.submitElsewhere(props);
  }

  /** Stop answering other processes; submits still waiting for an answer get a 404. */
  close(): void {
    this.unsubscribe();
    for (const resolve of [...this.waiting.values()]) resolve(undefined);
  }

  private async submitHere(props: SubmitProps): Promise<SubmitResult> {
    const pending = this.pending.get(props.callbackId);
    if (!pending || pending.done || pending.expiresAt < Date.now()) throw expired();
    if (pending.props.userId !== props.userId) throw forbidden("This dialog was opened for another user.");
    if (props.cancelled) {
      pending.done = true;
      return {};
    }
    const missing: Record<string, string> = {};
    // Elements hidden by `show_when` neither count as required nor reach the plugin.
    const shown = shownDialogElements(pending.props.dialog.elements, props.values);
    for (const element of shown) {
      if (!element.optional && !(props.values[element.name] ?? "").trim()) missing[element.name] = `${element.display_name} is required.`;
    }
    if (Object.keys(missing).length) return { errors: missing };
    const hidden = new Set(pending.props.dialog.elements.filter((e) => !shown.includes(e)).map((e) => e.name));
    const result = await pending.props.onSubmit({
      userId: props.userId,
      channelId: pending.props.channelId,
      teamId: pending.props.teamId,
      values: Object.fromEntries(Object.entries(props.values).filter(([name]) => !hidden.has(name))),
    });
    if (result && "errors" in result && Object.keys(result.errors).length) return { errors: result.errors };
    pending.done = true;
    return {};
  }

  /** Ask the other processes; nobody answering in time means nobody holds the dialog. */
  private async submitElsewhere(props: SubmitProps): Promise<SubmitResult> {
    const requestId = newId();
    const answer = await new Promise<SubmitAnswer | undefined>((resolve) => {
      const timer = setTimeout(() => this.waiting.get(requestId)?.(undefined), this.remoteTimeoutMs);
      this.waiting.set(requestId, (answer) => {
        clearTimeout(timer);
        this.waiting.delete(requestId);
        resolve(answer);
      });
      const request: z.infer<typeof submitRequest> = { requestId, ...props };
      this.bus.publish(SUBMIT_TOPIC, request);
    });
    if (!answer) throw expired();
    if (answer.error) {
      if (answer.error.status >= 400 && answer.error.status < 500) throw new AppError(answer.error);
      throw new Error(`dialog submit failed in the process that opened it: ${answer.error.message}`);
    }
    return answer.result ?? {};
  }

  /** Submit here a dialog another process was asked for, if this process holds it. */
  private answer(request: z.infer<typeof submitRequest>): void {
    // Only the holder answers; if nobody holds it, the asker's timeout says so.
    if (!this.pending.has(request.callbackId)) return;
    const reply = (answer: SubmitAnswer) => this.bus.publish(RESULT_TOPIC, answer);
    this.submitHere(request).then(
      (result) => reply({ requestId: request.requestId, result }),
      (error: unknown) => {
        const expected = expectedOf(error);
        if (expected)
          return reply({ requestId: request.requestId, error: { status: expected.status, id: expected.id, message: expected.message } });
        this.log.error("dialog submitted from another process failed", {
          callback_id: request.callbackId,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        reply({
          requestId: request.requestId,
          error: { status: 500, id: "api.internal", message: error instanceof Error ? error.message : String(error) },
        });
      },
    );
  }
}
