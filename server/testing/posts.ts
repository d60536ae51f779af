/**
 * @module testing/posts
 * Reading a channel the way a client does, for assertions.
 */
import { postListSchema } from "#common/wire-schemas.ts";
import type { Post } from "#common/wire.ts";
import type { TestClient } from "./harness.ts";

/** The channel's posts (up to 200), oldest first; throws unless the read answers 200. */
export async function channelPosts(client: TestClient, channelId: string): Promise<Post[]> {
  const res = await client.get(`/api/v4/channels/${channelId}/posts?per_page=200`);
  if (res.status !== 200) throw new Error(`posts: ${res.status} ${JSON.stringify(res.body)}`);
  const list = postListSchema.parse(res.body);
  return list.order.flatMap((id) => list.posts[id] ?? []).reverse();
}
