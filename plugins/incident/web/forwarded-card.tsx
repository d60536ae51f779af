/**
 * @module forwarded-card
 * The card for `custom_incident_forwarded` posts: a message the Incident bot
 * copied into the incident channel because it met a forwarding rule. It shows
 * who wrote it and where, the quoted text, and a link to the original.
 */
import type { MouseEvent } from "react";
import * as z from "zod/mini";
import type { PostTypeProps } from "#common/web-plugin-api.ts";
import type { FORWARDED_POST_TYPE, ForwardedPostProps } from "../common/forwarded-post.ts";
import { Icon } from "./components/icons.tsx";

/**
 * The post type this card renders; restated (typed as the original) so the
 * browser bundle does not pull full zod from the common module.
 */
export const FORWARDED_POST: typeof FORWARDED_POST_TYPE = "custom_incident_forwarded";

/** What the card reads of the props; the server writes {@link ForwardedPostProps}. */
const cardPropsSchema = z.object({
  source_channel_name: z.string(),
  author_name: z.string(),
  permalink: z.string(),
  excerpt: z._default(z.string(), ""),
});
type CardProps = z.infer<typeof cardPropsSchema> & Partial<ForwardedPostProps>;

/**
 * The in-app path of a permalink (`/{team}/pl/{id}`), or null. The origin is
 * ignored: the server writes links with its configured site URL, which may
 * name this very app by another host name.
 */
function appPath(permalink: string): string | null {
  try {
    const { pathname } = new URL(permalink, window.location.origin);
    return /^\/[a-z0-9_-]+\/pl\/[a-z0-9]{26}$/.test(pathname) ? pathname : null;
  } catch {
    return null;
  }
}

export function ForwardedCard({ post, host }: PostTypeProps) {
  const parsed = z.safeParse(cardPropsSchema, post.props ?? {});
  if (!parsed.success) {
    return <p className="incident-card-message">{post.message}</p>;
  }
  const props: CardProps = parsed.data;
  const path = appPath(props.permalink);
  const open = (event: MouseEvent<HTMLAnchorElement>) => {
    // A plain click stays in the app; modified clicks open a tab as usual.
    if (!path || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    host.navigate(path);
  };
  const label = `Forwarded from ~${props.source_channel_name} by @${props.author_name}`;

  return (
    <div className="incident-card incident-forwarded-card" data-post-type="custom_incident_forwarded" role="group" aria-label={label}>
      <span className="incident-card-icon">
        <Icon name="mail" />
      </span>
      <div className="incident-card-body">
        <p className="incident-card-message">
          Forwarded from <strong>~{props.source_channel_name}</strong> by <strong>@{props.author_name}</strong>
        </p>
        {props.excerpt ? (
          <blockquote
            className="incident-card-message"
            style={{ margin: 0, paddingLeft: 8, borderLeft: "3px solid var(--incident-border)", color: "var(--incident-muted)" }}
          >
            {props.excerpt}
          </blockquote>
        ) : null}
        <div>
          <a className="incident-link-btn" href={props.permalink} onClick={open}>
            Jump to the original message
          </a>
        </div>
      </div>
    </div>
  );
}
