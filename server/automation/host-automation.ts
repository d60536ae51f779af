/**
 * @module automation/host-automation
 * Registers what the host itself offers to workflows, as plugin id `host`:
 * the triggers `message_posted`, `slash_command`, `webhook`, `schedule` and the
 * actions `post_message`, `create_channel`, `add_user_to_channel`,
 * `http_request`. Called once by the server at start, before plugins start.
 */
import type { Disposable } from "#plugin-api";
import type { Host } from "../host.ts";
import { hostActions } from "./host-actions.ts";
import { messagePostedEvent, messagePostedTrigger, scheduleTrigger, slashCommandTrigger, webhookTrigger } from "./host-triggers.ts";
import { migrateScheduleClaims } from "./schedule.ts";

/** The plugin id the host's own registrations use. */
export const HOST_PLUGIN_ID = "host";

/**
 * Offer the host's triggers and actions and start feeding `message_posted`
 * from the post path. Returns one disposable for all of it.
 */
export async function registerHostAutomation(host: Host): Promise<Disposable> {
  await migrateScheduleClaims(host.workspace.views().typed<unknown>());
  const log = host.log.child({ plugin_id: HOST_PLUGIN_ID });
  const disposables: Disposable[] = [];
  const automation = host.automation.forPlugin(HOST_PLUGIN_ID, (d) => {
    disposables.push(d);
    return d;
  });

  const messagePosted = automation.registerTrigger(messagePostedTrigger);
  automation.registerTrigger(slashCommandTrigger(host));
  automation.registerTrigger(webhookTrigger);
  automation.registerTrigger(scheduleTrigger(host, (error) => log.error("schedule tick failed", { error: String(error) })));
  for (const action of hostActions(host)) automation.registerAction(action);

  disposables.push(
    host.hooks.registerPosted(HOST_PLUGIN_ID, async (post) => {
      // Nobody listens (no workflow plugin): skip the lookups.
      if (!host.automation.hasListeners) return;
      const event = await messagePostedEvent(host, post);
      if (event) messagePosted.fire(event);
    }),
  );

  return {
    dispose: () => {
      while (disposables.length) disposables.pop()!.dispose();
    },
  };
}
