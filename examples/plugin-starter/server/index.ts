/**
 * @module starter/server
 * The starter plugin's server side: `activate(ctx)` registers one HTTP route,
 * declared with zod schemas (the host validates the body before the handler
 * runs), and one slash command. Both are disposed by the host when the plugin
 * is disabled: nothing to clean up by hand.
 */
import type { PluginContext } from "#plugin-api";
import { GREETINGS_PATH, greet, greetingRequestSchema, greetingSchema, type Greeting } from "../common/greeting.ts";

/** Called when the plugin is enabled. */
export function activate(ctx: PluginContext): void {
  ctx.http.route({
    method: "POST",
    path: GREETINGS_PATH,
    policy: "signed-in",
    auth: "user",
    summary: "Greet someone by name",
    body: greetingRequestSchema,
    response: greetingSchema,
    handler: ({ body, user }): Greeting => ({ greeting: greet(body.name), by: user?.username ?? "" }),
  });

  ctx.commands.register({
    trigger: "starter",
    description: "Greet someone (the starter plugin)",
    hint: "[name]",
    async execute({ args, userId }) {
      const name = args.join(" ") || ((await ctx.users.get(userId))?.username ?? "you");
      return { text: greet(name) };
    },
  });

  ctx.log.info("starter plugin activated");
}
