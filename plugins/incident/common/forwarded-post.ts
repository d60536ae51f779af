/**
 * @module incident/common/forwarded-post
 * The `custom_incident_forwarded` post: the Incident bot's copy of a post that
 * met one of an incident's forwarding rules. Written by the server's
 * forwarder, rendered as a card by the web plugin.
 */
import { z } from "zod";

/** The post type of a forwarded copy; copies are never forwarded again. */
export const FORWARDED_POST_TYPE = "custom_incident_forwarded";

/** Props of a `custom_incident_forwarded` post. */
export const forwardedPostPropsSchema = z.looseObject({
  incident_id: z.string(),
  source_post_id: z.string(),
  source_channel_id: z.string(),
  source_channel_name: z.string(),
  /** The source channel's team, the first segment of the permalink. */
  source_team_name: z.string().default(""),
  author_id: z.string(),
  /** The username, or for a webhook post the name it was posted under. */
  author_name: z.string(),
  /** `${siteUrl}/{team}/pl/{post_id}`. */
  permalink: z.string(),
  /** The start of the message and attachment text. */
  excerpt: z.string().default(""),
  /** Positions in the incident's `forwarding` list of the rules the post met. */
  rule_indexes: z.array(z.number()).default([]),
});
export type ForwardedPostProps = z.infer<typeof forwardedPostPropsSchema>;
