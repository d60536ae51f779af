/** Asks before deleting a post (and a root's replies with it); Esc or Cancel keeps it. */
import { useState } from "react";
import type { Post } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import { postRemover } from "../store/posts.ts";
import { useServices } from "../store/services.ts";
import { FormError } from "./FormError.tsx";
import { Modal } from "./Modal.tsx";

export function DeletePostDialog({ post, onClose }: { post: Post; onClose(): void }) {
  const services = useServices();
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const replies = post.root_id ? 0 : (post.reply_count ?? 0);
  const mine = post.user_id === services.store.get().me?.id;

  const remove = async () => {
    setDeleting(true);
    setError(null);
    try {
      await postRemover(services, post);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
      setDeleting(false);
    }
  };

  return (
    <Modal title="Delete message" onClose={onClose}>
      <p>
        Delete {mine ? "your" : "this"} message? Everyone sees it disappear.
        {replies > 0 && ` Its ${replies === 1 ? "reply is" : `${replies} replies are`} deleted with it.`}
      </p>
      <FormError message={error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button primary danger-fill" disabled={deleting} onClick={() => void remove()}>
          Delete
        </button>
      </div>
    </Modal>
  );
}
