/**
 * A message's markdown, rendered and sanitized (see markdown/render.ts);
 * mentions of the reader (their @username, @channel, @all, @here) stand out.
 */
import { useMemo } from "react";
import { mentionKeysOf } from "../markdown/mentions.ts";
import { renderMarkdown } from "../markdown/render.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";

export function Markdown({ text, className }: { text: string; className?: string }) {
  const { store } = useServices();
  const username = useStore(store, (s) => s.me?.username);
  const html = useMemo(() => renderMarkdown(text, { mentionKeys: mentionKeysOf(username) }), [text, username]);
  return <div className={`markdown ${className ?? ""}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
