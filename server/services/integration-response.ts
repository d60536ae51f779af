/**
 * @module services/integration-response
 * What an external integration answers — an outgoing webhook's receiver or a
 * custom slash command's URL — read as Mattermost reads it (a JSON
 * `CommandResponse`/`OutgoingWebhookResponse`, or plain text) and posted back
 * as Mattermost does: by the integration's owner or the caller, marked
 * `from_webhook`, with the name and icon it asks for.
 */
import { z } from "zod";
import type { OutboundResponse } from "#plugin-api";
import type { User } from "#common/wire.ts";
import type { Host } from "../host.ts";
import { slackAttachmentSchema, withoutNulls } from "./incoming-webhook-payload.ts";
import { ephemeralSender, postCreator } from "./posts.ts";

/** The answer of an integration, the fields Mattermost reads from it. */
export const integrationResponseSchema = z.object({
  text: z.string().optional(),
  username: z.string().max(64).optional(),
  icon_url: z.string().max(1024).optional(),
  props: z.record(z.string(), z.unknown()).optional(),
  attachments: z.array(slackAttachmentSchema).optional(),
  /** `in_channel` or `ephemeral` for commands; `comment` (a reply in the post's thread) for outgoing webhooks. */
  response_type: z.string().optional(),
  type: z.string().optional(),
  goto_location: z.string().optional(),
});

/** A parsed integration answer. */
export type IntegrationResponse = z.output<typeof integrationResponseSchema>;

/**
 * An HTTP answer as an integration's response: its JSON object when it is
 * one, else its text as `text` (Mattermost takes a non-JSON body as the
 * message). A 4xx or 5xx answer, or one that names nothing to post, is null.
 */
export function readIntegrationResponse(answer: OutboundResponse): IntegrationResponse | null {
  if (answer.status < 200 || answer.status >= 300) return null;
  const body = answer.text.trim();
  if (!body) return null;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { text: body };
  }
  const parsed = integrationResponseSchema.safeParse(withoutNulls(json));
  return parsed.success ? parsed.data : { text: body };
}

/**
 * Post an integration's answer in a channel: in the channel (or as a reply
 * when `rootId` is given) by `author`, or only to `author` when `ephemeral`.
 * Nothing is posted when the answer has neither text nor attachments.
 */
export async function integrationResponsePoster(
  host: Host,
  props: {
    author: User;
    channelId: string;
    response: IntegrationResponse;
    ephemeral: boolean;
    rootId?: string;
    /** Skip the membership check: an outgoing webhook's owner posts where its hook listens. */
    trusted: boolean;
    /** The integration's own name and icon, used when the answer sets none. */
    defaults: { username: string; iconUrl: string };
  },
): Promise<void> {
  const { response } = props;
  const text = response.text ?? "";
  if (!text.trim() && !response.attachments?.length) return;
  const username = response.username || props.defaults.username;
  const iconUrl = response.icon_url || props.defaults.iconUrl;
  const postProps: Record<string, unknown> = {
    ...(response.props ?? {}),
    from_webhook: "true",
    ...(username ? { override_username: username } : {}),
    ...(iconUrl ? { override_icon_url: iconUrl } : {}),
    ...(response.attachments ? { attachments: response.attachments } : {}),
  };
  if (props.ephemeral) {
    ephemeralSender(host, { userId: props.author.id, channelId: props.channelId, message: text, props: postProps });
    return;
  }
  await postCreator(host, {
    input: {
      channel_id: props.channelId,
      message: text,
      ...(props.rootId ? { root_id: props.rootId } : {}),
      ...(response.attachments ? { type: "slack_attachment" } : {}),
      props: postProps,
    },
    author: { user: props.author, via: "webhook", trusted: props.trusted },
  });
}
