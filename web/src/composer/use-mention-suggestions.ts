/**
 * @module composer/use-mention-suggestions
 * The composer's `@` autocomplete as a hook: follows the caret in the
 * message box, asks `GET /api/v4/users/autocomplete` (the channel and its
 * team) once the typing pauses for {@link MENTION_DEBOUNCE_MS}, and lists
 * the suggestions of composer/mention-suggestions.ts.
 */
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";
import { userAutocompleteSchema } from "#common/wire-schemas.ts";
import type { Channel } from "#common/wire.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { usersCacher } from "../store/users.ts";
import { mentionQueryAt, mentionSuggestions, type MentionCandidates } from "./mention-suggestions.ts";
import type { Suggestion } from "./suggestions.ts";

/** The pause in typing before the server is asked (Mattermost waits about as long). */
export const MENTION_DEBOUNCE_MS = 150;

interface Answer {
  channelId: string;
  prefix: string;
  candidates: MentionCandidates;
}

export interface MentionAutocomplete {
  suggestions: Suggestion[];
  /** After a pick: put the caret at `caret` (the end of the text when undefined) once the new text is in the box. */
  placeCaret(caret: number | undefined): void;
}

export function useMentionSuggestions(props: {
  channel: Channel;
  text: string;
  input: RefObject<HTMLTextAreaElement | null>;
}): MentionAutocomplete {
  const { channel, text, input } = props;
  const services = useServices();
  const meId = useStore(services.store, (s) => s.me?.id);
  const [caret, setCaret] = useState<number | null>(null);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const pendingCaret = useRef<number | null>(null);

  // The caret also moves without the text changing (arrows, clicks): render again then. Not on
  // `input`: a render from a native listener there would run before React's onChange and put the
  // old text back into the box.
  useEffect(() => {
    const box = input.current;
    if (!box) return;
    const follow = () => setCaret(box.selectionStart);
    const events = ["keyup", "click", "select"] as const;
    for (const name of events) box.addEventListener(name, follow);
    return () => {
      for (const name of events) box.removeEventListener(name, follow);
    };
  }, [input]);

  useLayoutEffect(() => {
    const box = input.current;
    const target = pendingCaret.current;
    if (!box || target === null || box.value !== text) return;
    pendingCaret.current = null;
    box.setSelectionRange(target, target);
  });

  // After typing, the box already holds the new text and its caret; after a pick, the caret goes where it was placed.
  const box = input.current;
  const at = pendingCaret.current ?? (box && box.value === text ? box.selectionStart : caret) ?? text.length;
  const query = mentionQueryAt(text, Math.min(at, text.length));
  const prefix = query?.prefix ?? null;

  useEffect(() => {
    if (prefix === null) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      services.api
        .get("/api/v4/users/autocomplete", userAutocompleteSchema, {
          in_team: channel.team_id || undefined,
          in_channel: channel.id,
          name: prefix,
        })
        .then((found) => {
          if (cancelled) return;
          const outOfChannel = found.out_of_channel ?? [];
          usersCacher(services, [...found.users, ...outOfChannel]);
          setAnswer({ channelId: channel.id, prefix, candidates: { inChannel: found.users, outOfChannel } });
        })
        .catch(() => undefined);
    }, MENTION_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [prefix, channel.id, channel.team_id, services]);

  // An answer for a shorter prefix still holds every match of this one (filtered by the list).
  const usable = query && answer && answer.channelId === channel.id && query.prefix.startsWith(answer.prefix);
  const suggestions = query
    ? mentionSuggestions({
        text,
        query,
        candidates: usable ? answer.candidates : { inChannel: [], outOfChannel: [] },
        channelType: channel.type,
        meId,
      })
    : [];

  return {
    suggestions,
    placeCaret(target) {
      pendingCaret.current = target ?? null;
      setCaret(target ?? null);
    },
  };
}
