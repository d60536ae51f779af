/**
 * @module components/retrospective-editor
 * The retrospective editor: markdown on the left, a live preview on the
 * right, saved as you type (a second after the last key) over the version it
 * was loaded at. When someone else saved meanwhile, the server's 409 carries
 * their text: the editor shows it beside yours, to take theirs or to save
 * yours over it. Publish posts it in the incident channel.
 */
import { useEffect, useRef, useState, type ReactNode } from "react";
import { WebFetchError, type WebHost } from "#common/web-plugin-api.ts";
import { API_BASE } from "../constants.ts";
import type { Incident } from "../incident-types.ts";
import { inlineMarkdown } from "../inline-markdown.tsx";
import { publishedSchema, retrospectiveConflictSchema, retrospectiveAnswerSchema } from "../review-types.ts";

const SAVE_DELAY_MS = 1000;

/** The preview: headings, list items and paragraphs, with inline markdown (React escapes the rest). */
export function markdownPreview(text: string): ReactNode[] {
  return text.split("\n").map((line, i) => {
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      const body = inlineMarkdown(heading[2] ?? "");
      return level === 1 ? <h3 key={i}>{body}</h3> : level === 2 ? <h4 key={i}>{body}</h4> : <h5 key={i}>{body}</h5>;
    }
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (item) return <li key={i}>{inlineMarkdown(item[1] ?? "")}</li>;
    return line.trim() ? <p key={i}>{inlineMarkdown(line)}</p> : null;
  });
}

type SaveState = "saved" | "editing" | "saving" | "error";

export function RetrospectiveEditor({ host, incident }: { host: WebHost; incident: Incident }) {
  const url = `${API_BASE}/incidents/${incident.id}/retrospective`;
  const [text, setText] = useState<string | null>(null);
  const [state, setState] = useState<SaveState>("saved");
  const [message, setMessage] = useState("");
  const [conflict, setConflict] = useState<{ text: string; version: number } | null>(null);
  const version = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    void host.fetch(url, { schema: retrospectiveAnswerSchema }).then((retro) => {
      version.current = retro.version;
      setText(retro.text);
    });
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [host, url]);

  const save = async (value: string) => {
    setState("saving");
    try {
      const saved = await host.fetch(url, {
        method: "PUT",
        body: { text: value, base_version: version.current },
        schema: retrospectiveAnswerSchema,
      });
      version.current = saved.version;
      setState("saved");
      setMessage("");
    } catch (error) {
      const theirs = error instanceof WebFetchError && error.status === 409 ? retrospectiveConflictSchema.safeParse(error.details) : null;
      if (theirs?.success) setConflict(theirs.data);
      setState("error");
      setMessage(error instanceof Error ? error.message : String(error));
    }
  };

  const onChange = (value: string) => {
    setText(value);
    setState("editing");
    if (timer.current) clearTimeout(timer.current);
    // While a conflict shows, nothing is saved until it is resolved.
    if (!conflict) timer.current = setTimeout(() => void save(value), SAVE_DELAY_MS);
  };

  const publish = async () => {
    try {
      if (text !== null && state !== "saved") await save(text);
      await host.fetch(`${url}/publish`, { method: "POST", body: {}, schema: publishedSchema });
      setMessage("Published in the incident channel.");
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
  };

  if (text === null) return <p>Loading the retrospective…</p>;
  return (
    <section aria-labelledby="incident-retro-heading">
      <h2 id="incident-retro-heading">Retrospective</h2>
      {conflict ? (
        <div className="incident-conflict" role="alert">
          <p>
            <strong>Someone else saved the retrospective (version {conflict.version}) while you were editing.</strong> Their text:
          </p>
          <pre>{conflict.text}</pre>
          <button
            type="button"
            className="incident-btn"
            onClick={() => {
              version.current = conflict.version;
              setText(conflict.text);
              setConflict(null);
              setState("saved");
              setMessage("");
            }}
          >
            Use theirs
          </button>{" "}
          <button
            type="button"
            className="incident-btn"
            onClick={() => {
              version.current = conflict.version;
              setConflict(null);
              void save(text);
            }}
          >
            Keep mine (save over theirs)
          </button>
        </div>
      ) : null}
      <div className="incident-retro">
        <label>
          <span className="incident-visually-hidden">Retrospective (markdown)</span>
          <textarea value={text} onChange={(e) => onChange(e.target.value)} aria-label="Retrospective (markdown)" />
        </label>
        <div className="incident-retro-preview" aria-label="Preview">
          {markdownPreview(text)}
        </div>
      </div>
      <p className="incident-page-nav">
        <span role="status">
          {state === "saved" ? "Saved" : state === "saving" ? "Saving…" : state === "editing" ? "Editing…" : "Not saved"}
        </span>
        <button type="button" className="incident-btn incident-btn-primary" onClick={() => void publish()}>
          Publish
        </button>
        {message ? <span role={state === "error" ? "alert" : "status"}>{message}</span> : null}
      </p>
    </section>
  );
}
