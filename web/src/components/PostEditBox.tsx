/**
 * Editing a post's message in place: Enter saves, Shift+Enter adds a line,
 * Esc cancels. Emptied, it asks to delete the post instead (as Mattermost).
 * When done, the focus goes back where it was (the composer, after Up).
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { LIMITS } from "#common/limits.ts";
import type { Post } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import { postEditCloser, postEditor } from "../store/posts.ts";
import { useServices } from "../store/services.ts";
import { FormError } from "./FormError.tsx";

export function PostEditBox({ post, onEmptied }: { post: Post; onEmptied(): void }) {
  const services = useServices();
  const [text, setText] = useState(post.message);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  // After the edit box is gone (and the post's actions are back), the focus returns.
  useEffect(() => {
    const back = document.activeElement;
    const box = ref.current;
    box?.focus();
    box?.setSelectionRange(box.value.length, box.value.length);
    return () => {
      if (back instanceof HTMLElement && back.isConnected && ref.current === null) back.focus();
    };
  }, []);

  const done = () => postEditCloser(services);

  const save = async () => {
    const message = text.trim();
    if (!message) {
      onEmptied();
      return;
    }
    if (message === post.message) {
      done();
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await postEditor(services, { postId: post.id, message });
      done();
    } catch (e) {
      setError(errorMessage(e));
      setSaving(false);
    }
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      void save();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      done();
    }
  };

  return (
    <form
      className="post-edit"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label htmlFor={`${id}-box`} className="visually-hidden">
        Edit message
      </label>
      <textarea
        id={`${id}-box`}
        ref={ref}
        className="composer-input"
        rows={2}
        maxLength={LIMITS.postMessageMax}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={keyDown}
        aria-describedby={`${id}-help`}
      />
      <FormError message={error} />
      <div className="post-edit-row">
        <p id={`${id}-help`} className="composer-help muted">
          Enter to save, Esc to cancel, Shift+Enter for a new line.
        </p>
        <button type="button" className="button small" onClick={done}>
          Cancel
        </button>
        <button type="submit" className="button small primary" disabled={saving}>
          Save
        </button>
      </div>
    </form>
  );
}
