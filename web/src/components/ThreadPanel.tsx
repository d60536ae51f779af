/** A post's thread in the right-hand sidebar: the root, its replies, and a reply composer. */
export function ThreadPanel({ rootId }: { rootId: string }) {
  return <p className="muted">Thread {rootId}</p>;
}
