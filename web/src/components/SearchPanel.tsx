/**
 * Search results in the right-hand sidebar, newest first: each with its
 * channel, author and time, the message with the matched words marked, and a
 * "Jump" link to the post in its channel (the permalink). Up and Down move
 * between results; searching the same words again runs the search again.
 */
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from "react";
import type { Team } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import { renderMarkdown } from "../markdown/render.ts";
import { paths } from "../router/router.ts";
import { currentTeam } from "../store/location.ts";
import { channelLabel, postsSearcher, type SearchHit } from "../store/search.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { displayName } from "../store/users.ts";
import { Link } from "./Link.tsx";
import { SearchHints } from "./SearchBox.tsx";
import { highlightedHtml } from "./search-highlight.ts";

type Results =
  | { status: "loading" }
  | { status: "failed"; message: string }
  | { status: "done"; hits: SearchHit[]; hasNext: boolean; page: number; loadingMore: boolean; moreError: string | null };

/** A result's time: the date too, as results span days. */
function resultTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function SearchResult({ hit, team }: { hit: SearchHit; team: Team }) {
  const { store } = useServices();
  const author = useStore(store, (s) => s.users[hit.post.user_id]);
  const html = useMemo(() => highlightedHtml(renderMarkdown(hit.post.message), hit.matches), [hit.post.message, hit.matches]);
  const titleId = useId();
  const name = displayName(author);
  const channel = channelLabel(hit.channel);
  return (
    <li className="search-result">
      <article aria-labelledby={titleId}>
        <header className="search-result-header">
          <span className="search-result-channel">{channel}</span>
          <span id={titleId} className="post-author">
            {name}
          </span>
          <time className="muted" dateTime={new Date(hit.post.create_at).toISOString()}>
            {resultTime(hit.post.create_at)}
          </time>
        </header>
        <div className="markdown search-result-message" dangerouslySetInnerHTML={{ __html: html }} />
        <Link
          to={paths.permalink(team.name, hit.post.id)}
          className="search-result-jump"
          aria-label={`Jump to the message of ${name} in ${channel}`}
        >
          Jump
        </Link>
      </article>
    </li>
  );
}

/** Up and Down move focus between the results' Jump links. */
function moveBetweenResults(event: KeyboardEvent<HTMLOListElement>) {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>(".search-result-jump")];
  if (links.length === 0) return;
  event.preventDefault();
  const at = links.findIndex((link) => link.closest("li")?.contains(document.activeElement));
  const next = at === -1 ? 0 : Math.min(links.length - 1, Math.max(0, at + (event.key === "ArrowDown" ? 1 : -1)));
  links[next]?.focus();
}

export function SearchPanel({ terms }: { terms: string }) {
  const services = useServices();
  const team = useStore(services.store, currentTeam);
  // The view object changes when the same words are searched again: that runs the search again.
  const view = useStore(services.store, (s) => s.rhs);
  const teamId = team?.id;
  const [results, setResults] = useState<Results>({ status: "loading" });

  useEffect(() => {
    if (!teamId || view?.kind !== "search") return;
    let cancelled = false;
    setResults({ status: "loading" });
    postsSearcher(services, { teamId, terms: view.terms }).then(
      (page) => !cancelled && setResults({ status: "done", ...page, page: 0, loadingMore: false, moreError: null }),
      (error: unknown) => !cancelled && setResults({ status: "failed", message: errorMessage(error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [services, teamId, view]);

  const more = async () => {
    if (results.status !== "done" || results.loadingMore || !teamId) return;
    setResults({ ...results, loadingMore: true, moreError: null });
    try {
      const page = await postsSearcher(services, { teamId, terms, page: results.page + 1 });
      setResults((r) =>
        r.status === "done" ? { ...r, hits: [...r.hits, ...page.hits], hasNext: page.hasNext, page: r.page + 1, loadingMore: false } : r,
      );
    } catch (error) {
      setResults((r) => (r.status === "done" ? { ...r, loadingMore: false, moreError: errorMessage(error) } : r));
    }
  };

  if (!team) return null;
  if (results.status === "loading")
    return (
      <p className="search-status muted" role="status" aria-busy="true">
        Searching for “{terms}”…
      </p>
    );
  if (results.status === "failed")
    return (
      <div className="search-status">
        <p className="form-error" role="alert">
          {results.message}
        </p>
        <SearchHints />
      </div>
    );
  if (results.hits.length === 0)
    return (
      <div className="search-status">
        <p role="status">No results for “{terms}”.</p>
        <SearchHints />
      </div>
    );
  const count = `${results.hits.length}${results.hasNext ? "+" : ""}`;
  return (
    <div className="search-panel">
      <p className="search-status muted" role="status">
        {count} {results.hits.length === 1 && !results.hasNext ? "result" : "results"} for “{terms}”
      </p>
      <ol className="search-results" aria-label={`Results for ${terms}`} onKeyDown={moveBetweenResults}>
        {results.hits.map((hit) => (
          <SearchResult key={hit.post.id} hit={hit} team={team} />
        ))}
      </ol>
      {results.moreError && (
        <p className="form-error" role="alert">
          {results.moreError}
        </p>
      )}
      {results.hasNext && (
        <button type="button" className="button" disabled={results.loadingMore} onClick={() => void more()}>
          {results.loadingMore ? "Loading…" : "More results"}
        </button>
      )}
    </div>
  );
}
