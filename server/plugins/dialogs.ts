/**
 * @module plugins/dialogs
 * Interactive dialogs: a plugin opens a form in one user's browser (an
 * `open_dialog` event) and receives what the user submits.
 */
import { newId } from "../../common/ids.ts";
import type { DialogsApi } from "../../common/plugin-api.ts";
import type { Dialog } from "../../common/wire.ts";
import { forbidden, notFound } from "../errors.ts";
import type { RealtimeHub } from "../realtime/hub.ts";

type OpenProps = Parameters<DialogsApi["open"]>[0];

interface Pending {
  pluginId: string;
  props: OpenProps;
  expiresAt: number;
}

const TTL_MS = 30 * 60 * 1000;

export class DialogRegistry {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly realtime: Pick<RealtimeHub, "publish">) {}

  /** Open a dialog for a user; returns its callback id. */
  open(pluginId: string, props: OpenProps): string {
    const callbackId = newId();
    const now = Date.now();
    for (const [id, p] of this.pending) if (p.expiresAt < now) this.pending.delete(id);
    this.pending.set(callbackId, { pluginId, props, expiresAt: now + TTL_MS });
    const dialog: Dialog = { ...props.dialog, callback_id: callbackId };
    this.realtime.publish("open_dialog", { dialog, plugin_id: pluginId, channel_id: props.channelId, team_id: props.teamId }, { userId: props.userId });
    return callbackId;
  }

  /** Drop every pending dialog of a plugin (on disable). */
  disposePlugin(pluginId: string): void {
    for (const [id, p] of this.pending) if (p.pluginId === pluginId) this.pending.delete(id);
  }

  /**
   * Submit a dialog as `userId`. Returns field errors to show, or nothing when
   * the dialog is done. Only the user it was opened for may submit it.
   */
  async submit(props: { callbackId: string; userId: string; values: Record<string, string>; cancelled?: boolean }): Promise<{ errors?: Record<string, string> }> {
    const pending = this.pending.get(props.callbackId);
    if (!pending || pending.expiresAt < Date.now()) throw notFound("dialog", "callback_id: this dialog has expired or was already submitted");
    if (pending.props.userId !== props.userId) throw forbidden("This dialog was opened for another user.");
    if (props.cancelled) {
      this.pending.delete(props.callbackId);
      return {};
    }
    const missing: Record<string, string> = {};
    for (const element of pending.props.dialog.elements) {
      if (!element.optional && !(props.values[element.name] ?? "").trim()) missing[element.name] = `${element.display_name} is required.`;
    }
    if (Object.keys(missing).length) return { errors: missing };
    const result = await pending.props.onSubmit({ userId: props.userId, channelId: pending.props.channelId, teamId: pending.props.teamId, values: props.values });
    if (result && "errors" in result && Object.keys(result.errors).length) return { errors: result.errors };
    this.pending.delete(props.callbackId);
    return {};
  }
}
