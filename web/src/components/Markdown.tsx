/** A message's markdown, rendered and sanitized (see markdown/render.ts). */
import { useMemo } from "react";
import { renderMarkdown } from "../markdown/render.ts";

export function Markdown({ text, className }: { text: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className={`markdown ${className ?? ""}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
