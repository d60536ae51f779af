/**
 * The message box: Enter sends, Shift+Enter adds a line; `/` opens the
 * slash-command autocomplete (arrows to move, Enter or Tab to pick, Esc to
 * close) and `/commands` go to the server instead of being posted. Up in an
 * empty box edits your last message there (as in Mattermost). With `rootId`
 * it is a thread's reply box.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { Channel } from "#common/wire.ts";
import { LIMITS } from "#common/limits.ts";
import { errorMessage } from "../api/client.ts";
import { suggestionsFor, type Suggestion } from "../composer/suggestions.ts";
import { useMentionSuggestions } from "../composer/use-mention-suggestions.ts";
import { commandExecutor, commandsEnsurer } from "../store/commands.ts";
import { lastEditablePost, postEditOpener, postSender } from "../store/posts.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { typingSender } from "../store/typing.ts";
import { CommandSuggestions } from "./CommandSuggestions.tsx";
import { MentionSuggestions } from "./MentionSuggestions.tsx";
import { AttachButton, ComposerFiles, DropOverlay, useDraftFiles, useFileDrop } from "./ComposerFiles.tsx";
import { FormError } from "./FormError.tsx";
import { politeFocuser } from "./focus-polite.ts";

export function Composer({
  channel,
  rootId,
  focusKey,
}: {
  channel: Channel;
  /** Reply to this thread instead of posting in the channel. */
  rootId?: string;
  /** The box takes the focus again whenever this changes (e.g. Reply on a post of the open thread). */
  focusKey?: unknown;
}) {
  const services = useServices();
  const [text, setText] = useState("");
  const commands = useStore(services.store, (s) => s.commands);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const files = useDraftFiles({ channelId: channel.id, rootId });
  const drop = useFileDrop(files.add);

  // The list is loaded once per session (and again when plugins change, see
  // realtime/events.ts) and filtered here, so `/inc` typed or pasted before it
  // arrives still gets its suggestions the moment it does. A failed load is
  // tried again when a command is next started.
  const startsCommand = text.startsWith("/") && !text.includes(" ");
  const wantsCommands = text.startsWith("/");
  useEffect(() => {
    if (commands === undefined) void commandsEnsurer(services).catch(() => undefined);
  }, [wantsCommands, commands, services]);

  // On load and on a channel switch: the box takes the focus, unless a dialog or another field has it.
  useEffect(() => {
    setText("");
    setError(null);
    politeFocuser(inputRef.current);
  }, [channel.id, rootId]);

  useEffect(() => {
    if (focusKey !== undefined) inputRef.current?.focus();
  }, [focusKey]);

  const mentions = useMentionSuggestions({ channel, text, input: inputRef });
  const commandSuggestions = dismissed || !commands ? [] : suggestionsFor(text, commands);
  const suggestions = dismissed ? [] : commandSuggestions.length > 0 ? commandSuggestions : mentions.suggestions;
  const open = suggestions.length > 0;
  const activeIndex = Math.min(active, Math.max(0, suggestions.length - 1));

  const change = (value: string) => {
    if (value.length > text.length) typingSender(services, { channelId: channel.id });
    setText(value);
    setDismissed(false);
    setActive(0);
    if (error) setError(null);
  };

  const pick = (suggestion: Suggestion) => {
    change(suggestion.complete);
    mentions.placeCaret(suggestion.caret);
    inputRef.current?.focus();
  };

  const send = async () => {
    const message = text.trim();
    // A message may be files alone; it waits for their uploads to end.
    if ((!message && files.fileIds.length === 0) || sending || files.uploading) return;
    setSending(true);
    setError(null);
    try {
      if (message.startsWith("/") && !message.startsWith("//")) {
        setText("");
        await commandExecutor(services, { channelId: channel.id, teamId: channel.team_id, command: message });
      } else {
        await postSender(services, {
          channelId: channel.id,
          rootId,
          message: message.startsWith("//") ? message.slice(1) : message,
          fileIds: files.fileIds,
        });
        setText("");
        files.clear();
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSending(false);
      inputRef.current?.focus();
    }
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (open) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((activeIndex + step + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === "Enter" && !event.shiftKey) {
        const chosen = suggestions[activeIndex];
        // A fully typed command with nothing more to pick is sent.
        if (chosen && chosen.complete.trimEnd() !== text.trimEnd()) {
          event.preventDefault();
          pick(chosen);
          return;
        }
      }
      if (event.key === "Tab" && !event.shiftKey) {
        event.preventDefault();
        const chosen = suggestions[activeIndex];
        if (chosen) pick(chosen);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        setDismissed(true);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      void send();
    }
    if (event.key === "ArrowUp" && !text && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      const last = lastEditablePost(services.store.get(), { channelId: channel.id, rootId });
      if (last) {
        event.preventDefault();
        postEditOpener(services, { postId: last.id, location: rootId ? "rhs" : "center" });
      }
    }
  };
  const label = rootId ? "Reply in thread" : `Write to ${channel.display_name}`;

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      {...drop.handlers}
    >
      <DropOverlay active={drop.dragging} target={channel.display_name} />
      <ComposerFiles files={files} />
      {open && commandSuggestions.length > 0 && (
        <CommandSuggestions id={listId} suggestions={suggestions} active={activeIndex} onPick={pick} />
      )}
      {open && commandSuggestions.length === 0 && (
        <MentionSuggestions id={listId} suggestions={suggestions} active={activeIndex} onPick={pick} />
      )}
      {!open && startsCommand && commands === undefined && text.length > 0 && (
        <p className="suggestions-loading muted" role="status">
          Loading commands…
        </p>
      )}
      <FormError message={error} />
      <div className="composer-row">
        <AttachButton files={files} />
        <label htmlFor={`${listId}-input`} className="visually-hidden">
          {label}
        </label>
        <textarea
          id={`${listId}-input`}
          ref={inputRef}
          className="composer-input"
          rows={1}
          maxLength={LIMITS.postMessageMax}
          placeholder={rootId ? "Reply…" : label}
          value={text}
          onChange={(e) => change(e.target.value)}
          onKeyDown={keyDown}
          onPaste={files.onPaste}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${activeIndex}` : undefined}
          aria-describedby={`${listId}-help`}
        />
        <button
          type="submit"
          className="button primary"
          disabled={sending || files.uploading || (!text.trim() && files.fileIds.length === 0)}
        >
          Send
        </button>
      </div>
      <p id={`${listId}-help`} className="composer-help muted">
        Enter to send, Shift+Enter for a new line, / for commands, Up to edit your last message.
      </p>
    </form>
  );
}
