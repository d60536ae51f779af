/**
 * The actions shown over a post on hover or focus: Reply, Add reaction, and
 * the "⋯" menu (Reply, Add reaction, Edit, Delete, then what plugins added
 * with `registerPostMenuAction`).
 */
import { useRef, useState } from "react";
import type { Post } from "#common/wire.ts";
import { postMenuActionsFor } from "../plugins/contributions.ts";
import { useWebLocation } from "../store/location.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { EmojiPicker } from "./EmojiPicker.tsx";
import { PostMenu, type PostMenuItem } from "./PostMenu.tsx";

export interface PostAbilities {
  canReply: boolean;
  canReact: boolean;
  canEdit: boolean;
  canDelete: boolean;
}

export function PostActions({
  post,
  abilities,
  onReply,
  onReact,
  onEdit,
  onDelete,
}: {
  post: Post;
  abilities: PostAbilities;
  onReply(): void;
  onReact(emojiName: string): void;
  onEdit(): void;
  onDelete(): void;
}) {
  const { plugins, store } = useServices();
  const location = useWebLocation(store);
  const contributions = useStore(plugins.contributions, (c) => c);
  const [menuOpen, setMenuOpen] = useState(false);
  const [picker, setPicker] = useState(false);
  const group = useRef<HTMLDivElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);

  const openPicker = () => {
    returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setPicker(true);
  };
  const closePicker = () => {
    setPicker(false);
    if (returnFocus.current?.isConnected) returnFocus.current.focus();
  };

  const items: PostMenuItem[] = [];
  if (abilities.canReply) items.push({ key: "reply", label: "Reply", onSelect: onReply });
  if (abilities.canReact) items.push({ key: "react", label: "Add reaction", onSelect: openPicker });
  if (abilities.canEdit) items.push({ key: "edit", label: "Edit", onSelect: onEdit });
  if (abilities.canDelete) items.push({ key: "delete", label: "Delete", onSelect: onDelete, danger: true });
  if (location)
    for (const action of postMenuActionsFor(contributions, post))
      items.push({
        key: action.key,
        label: action.text,
        onSelect: () => {
          try {
            action.action(post, location);
          } catch (error) {
            console.warn(`Sitrep: plugin ${action.pluginId}'s post menu action "${action.text}" failed`, error);
          }
        },
      });
  if (items.length === 0) return null;

  return (
    <div className={`post-actions${menuOpen || picker ? " open" : ""}`} role="group" aria-label="Message actions" ref={group}>
      {abilities.canReply && (
        <button type="button" className="icon-button post-action" aria-label="Reply" title="Reply" onClick={onReply}>
          <span aria-hidden="true">↩</span>
        </button>
      )}
      {abilities.canReact && (
        <button
          type="button"
          className="icon-button post-action"
          aria-label="Add reaction"
          title="Add reaction"
          aria-haspopup="dialog"
          aria-expanded={picker}
          onClick={() => (picker ? closePicker() : openPicker())}
        >
          <span aria-hidden="true">☺</span>
        </button>
      )}
      <PostMenu label="More actions" items={items} onOpenChange={setMenuOpen} />
      {picker && (
        <EmojiPicker
          anchor={group}
          onPick={(name) => {
            closePicker();
            onReact(name);
          }}
          onClose={closePicker}
        />
      )}
    </div>
  );
}
