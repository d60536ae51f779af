/**
 * The example plugin's web side: a post-type card, an RHS panel and an event
 * handler. Its `react` imports resolve to the host's React at build time.
 */
import { useState } from "react";
import type { PluginComponentProps, PostTypeProps, WebHost, WebPluginRegistry } from "#common/web-plugin-api.ts";

function ExampleCard({ post }: PostTypeProps) {
  const [open, setOpen] = useState(false);
  return (
    <div className="example-card" onClick={() => setOpen(!open)}>
      {post.message}
      {open ? <small>{String(post.props.source ?? "")}</small> : null}
    </div>
  );
}

function ExamplePanel({ location }: PluginComponentProps) {
  return <p className="example-rhs">Example for {location.user.username}</p>;
}

export function register(registry: WebPluginRegistry, _host: WebHost): void {
  registry.registerPostTypeComponent("custom_example", ExampleCard);
  registry.registerRightHandSidebarComponent({ title: "Example", component: ExamplePanel });
  registry.registerWebSocketEventHandler("custom_example_pinged", () => {});
}
