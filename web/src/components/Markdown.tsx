/**
 * A message's markdown, rendered and sanitized (see markdown/render.ts);
 * mentions of the reader (their @username, @channel, @all, @here) stand out,
 * `~channel`s in the reader's channel list and `@user`s the app knows are
 * links followed in the app, and `:emoji:` names are drawn (the larger emoji
 * table loads the first time a message needs it).
 */
import { useEffect, useMemo, useState, type MouseEvent } from "react";
import { moreEmojiLoader, needsMoreEmoji } from "../markdown/emoji.ts";
import { mentionKeysOf } from "../markdown/mentions.ts";
import type { ReferenceTargets } from "../markdown/references.ts";
import { renderMarkdown } from "../markdown/render.ts";
import type { AppState } from "../store/state.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";

/** The channels and users the reader may link to, in the current team. */
function useReferenceTargets(): ReferenceTargets | undefined {
  const { store } = useServices();
  const teamName = useStore(store, (s) => s.teams?.find((t) => t.id === s.currentTeamId)?.name);
  const channels = useStore(store, (s) => (s.currentTeamId ? s.channels[s.currentTeamId] : undefined));
  const users = useStore(store, (s) => s.users);
  return useMemo(
    () => (teamName ? referenceTargets({ teamName, channels: channels ?? [], users }) : undefined),
    [teamName, channels, users],
  );
}

/** The targets of one team: its open and private channels the reader is in, and the known users. */
export function referenceTargets(props: {
  teamName: string;
  channels: NonNullable<AppState["channels"][string]>;
  users: AppState["users"];
}): ReferenceTargets {
  return {
    teamName: props.teamName,
    channels: new Map(props.channels.filter((c) => c.type === "O" || c.type === "P").map((c) => [c.name.toLowerCase(), c.display_name])),
    usernames: new Set(Object.values(props.users).map((u) => u.username.toLowerCase())),
  };
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  const { store, router } = useServices();
  const username = useStore(store, (s) => s.me?.username);
  const references = useReferenceTargets();
  const [emojiLoaded, setEmojiLoaded] = useState(0);
  const html = useMemo(
    () => renderMarkdown(text, { mentionKeys: mentionKeysOf(username), references }),
    // emojiLoaded: render again once the larger emoji table is in.
    [text, username, references, emojiLoaded],
  );
  useEffect(() => {
    if (!needsMoreEmoji(text)) return;
    let live = true;
    moreEmojiLoader().then(
      () => live && setEmojiLoaded((n) => n + 1),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [text]);
  const followInternal = (event: MouseEvent<HTMLDivElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const link = event.target instanceof Element ? event.target.closest("a[data-internal]") : null;
    const href = link?.getAttribute("href");
    if (!href) return;
    event.preventDefault();
    router.navigate(href);
  };
  return <div className={`markdown ${className ?? ""}`} onClick={followInternal} dangerouslySetInnerHTML={{ __html: html }} />;
}
