/**
 * Slack-style message attachments (`props.attachments`), as alert senders
 * and webhooks post them. Every value is untrusted: text goes through the
 * markdown sanitizer, links only to http(s), images (http(s) only) through the
 * image proxy.
 */
import { proxiedImageSrc } from "../markdown/image-proxy.ts";
import { safeHref } from "../markdown/render.ts";
import { Markdown } from "./Markdown.tsx";

interface AttachmentField {
  title?: unknown;
  value?: unknown;
  short?: unknown;
}

const NAMED_COLORS: Record<string, string> = { good: "#2eb67d", warning: "#ecb22e", danger: "#e01e5a" };

function str(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function colorOf(value: unknown): string | undefined {
  const text = str(value).trim();
  if (NAMED_COLORS[text]) return NAMED_COLORS[text];
  return /^#[0-9a-f]{3,8}$/i.test(text) ? text : undefined;
}

function httpUrl(value: unknown): string | undefined {
  const url = safeHref(value);
  return url && /^https?:/i.test(url) ? url : undefined;
}

function Attachment({ attachment }: { attachment: Record<string, unknown> }) {
  const title = str(attachment.title);
  const titleLink = httpUrl(attachment.title_link);
  const authorLink = httpUrl(attachment.author_link);
  const imageUrl = httpUrl(attachment.image_url);
  const image = imageUrl && proxiedImageSrc(imageUrl, window.location.origin);
  const fields = Array.isArray(attachment.fields) ? (attachment.fields as AttachmentField[]).filter((f) => f && typeof f === "object") : [];
  const text = str(attachment.text) || (!title && !fields.length ? str(attachment.fallback) : "");
  return (
    <div className="attachment" style={{ borderLeftColor: colorOf(attachment.color) }}>
      {str(attachment.pretext) && <Markdown text={str(attachment.pretext)} className="attachment-pretext" />}
      {str(attachment.author_name) && (
        <p className="attachment-author">
          {authorLink ? (
            <a href={authorLink} target="_blank" rel="noopener noreferrer">
              {str(attachment.author_name)}
            </a>
          ) : (
            str(attachment.author_name)
          )}
        </p>
      )}
      {title && (
        <p className="attachment-title">
          {titleLink ? (
            <a href={titleLink} target="_blank" rel="noopener noreferrer">
              {title}
            </a>
          ) : (
            title
          )}
        </p>
      )}
      {text && <Markdown text={text} />}
      {fields.length > 0 && (
        <dl className="attachment-fields">
          {fields.map((field, i) => (
            <div key={i} className={field.short ? "short" : "long"}>
              <dt>{str(field.title)}</dt>
              <dd>
                <Markdown text={str(field.value)} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      {image && <img className="attachment-image" src={image} alt={title || "attachment image"} loading="lazy" />}
      {str(attachment.footer) && <p className="attachment-footer">{str(attachment.footer)}</p>}
    </div>
  );
}

/** The attachments of a post, if it has any. */
export function Attachments({ value }: { value: unknown }) {
  if (!Array.isArray(value) || value.length === 0) return null;
  return (
    <div className="attachments">
      {value.map((attachment, i) =>
        attachment && typeof attachment === "object" ? <Attachment key={i} attachment={attachment as Record<string, unknown>} /> : null,
      )}
    </div>
  );
}
