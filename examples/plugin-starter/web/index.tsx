/**
 * @module starter/web
 * The starter plugin's web side: `register(registry, host)` adds one
 * right-hand sidebar panel that calls the plugin's route through `host.fetch`,
 * which parses the answer with the same zod schema the server declares.
 * `react` resolves to the web app's own React at build time.
 */
import { useState } from "react";
import type { PluginComponentProps, WebHost, WebPluginRegistry } from "#common/web-plugin-api.ts";
import { GREETINGS_PATH, greetingSchema } from "../common/greeting.ts";

function StarterPanel({ host, location }: PluginComponentProps) {
  const [name, setName] = useState(location.user.username);
  const [answer, setAnswer] = useState("");
  const ask = async () => {
    try {
      const { greeting } = await host.fetch(`/plugins/${host.pluginId}${GREETINGS_PATH}`, {
        method: "POST",
        body: { name },
        schema: greetingSchema,
      });
      setAnswer(greeting);
    } catch (error) {
      setAnswer(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <form
      className="starter-panel"
      onSubmit={(event) => {
        event.preventDefault();
        void ask();
      }}
    >
      <label>
        Name <input value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <button type="submit">Greet</button>
      <p role="status">{answer}</p>
    </form>
  );
}

/** Called when the web app loads the plugin. */
export function register(registry: WebPluginRegistry, _host: WebHost): void {
  registry.registerRightHandSidebarComponent({ title: "Starter", component: StarterPanel });
}
