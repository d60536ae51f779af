/** Search results in the right-hand sidebar, each linking to the post in its channel. */
export function SearchPanel({ terms }: { terms: string }) {
  return <p className="muted">Results for {terms}</p>;
}
