/**
 * @module services/incoming-webhook-payload
 * An incoming webhook's body read as Mattermost reads it (`web/webhook.go`,
 * `model/incoming_webhook.go`, `model/slack_attachment.go`):
 *
 * - a form (`application/x-www-form-urlencoded`) carries the JSON in its
 *   `payload` field (Sitrep also reads plain `text=`, `username=`… fields);
 *   `multipart/form-data` carries the payload's fields as form fields;
 *   anything else — any content type, or none — is JSON;
 * - JSON that does not parse is tried again with its control characters
 *   escaped (shell-built payloads put raw newlines and tabs in strings);
 * - `null` anywhere reads as absent, as Go decodes it into a zero value;
 * - a field's `short` may be a string (`"true"`), its `value` any scalar,
 *   stored as a string (`StringifySlackFieldValue`).
 */
import { z } from "zod";
import { LIMITS } from "#common/limits.ts";
import { AppError } from "../errors.ts";
import { bodyProblem } from "../api/input-guard.ts";

/** Slack's booleans: `true`, or the string `"true"` (`SlackCompatibleBool`). */
const slackBoolean = z.union([z.boolean(), z.string()]).transform((value) => value === true || value === "true");

/** A field's value as Mattermost stores it: a string (`fmt.Sprintf("%v")` of a number or boolean). */
const fieldValue = z
  .unknown()
  .transform((value) => (typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value)));

const attachmentFieldSchema = z.looseObject({
  title: z.string().optional(),
  value: fieldValue.optional(),
  short: slackBoolean.optional(),
});

/** A Slack attachment: the keys Sitrep renders are checked; the others are kept as sent. */
export const slackAttachmentSchema = z.looseObject({
  fallback: z.string().optional(),
  color: z.string().optional(),
  pretext: z.string().optional(),
  author_name: z.string().optional(),
  title: z.string().optional(),
  title_link: z.string().optional(),
  text: z.string().optional(),
  fields: z.array(attachmentFieldSchema).optional(),
  footer: z.string().optional(),
});

/** A Slack attachment as stored in `props.attachments`. */
export type SlackAttachment = z.output<typeof slackAttachmentSchema>;

/** Mattermost's post priority (`metadata.priority` there; `props.priority` here). */
const prioritySchema = z.object({
  priority: z.enum(["", "important", "urgent"], { error: 'must be "", "important" or "urgent"' }).optional(),
  requested_ack: slackBoolean.optional(),
  persistent_notifications: slackBoolean.optional(),
});

/** The payload of `POST /hooks/{id}` after decoding. */
export const incomingWebhookPayloadSchema = z.object({
  // Longer text is split into several posts (`SplitWebhookPost`); this bounds the number of posts.
  text: z
    .string()
    .max(LIMITS.postMessageMax * 10, `must be at most ${LIMITS.postMessageMax * 10} characters`)
    .optional(),
  attachments: z.array(slackAttachmentSchema).max(100, "must hold at most 100 attachments").optional(),
  // `#name` and `~name` as Slack senders write them, `@username` for a direct message: the limit is on the name.
  channel: z
    .string()
    .refine(
      (name) => name.replace(/^[#~@]/, "").length <= LIMITS.nameMax,
      `must be at most ${LIMITS.nameMax} characters after an optional #, ~ or @`,
    )
    .optional(),
  username: z.string().max(64, "must be at most 64 characters").optional(),
  icon_url: z.string().max(1024, "must be at most 1024 characters").optional(),
  icon_emoji: z.string().max(64, "must be at most 64 characters").optional(),
  type: z
    .string()
    .refine((type) => type === "" || type.startsWith("custom_"), 'must start with "custom_"')
    .optional(),
  priority: prioritySchema.optional(),
  props: z.record(z.string(), z.unknown()).optional(),
});

/** A decoded incoming-webhook payload. */
export type IncomingWebhookPayload = z.output<typeof incomingWebhookPayloadSchema>;

/** The body schema of `POST /hooks/{id}`: `null`s dropped, no body an empty payload. */
export const incomingWebhookBodySchema = z.preprocess((value) => withoutNulls(value) ?? {}, incomingWebhookPayloadSchema);

/** The value with every `null` (in objects and arrays, at any depth) dropped, as Go reads it into zero values. */
export function withoutNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(withoutNulls);
  if (typeof value !== "object") return value;
  const kept: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) kept[key] = withoutNulls(child);
  return kept;
}

const payloadProblem = (message: string) => new AppError({ status: 400, id: "web.incoming_webhook.parse.app_error", message });

/**
 * JSON text as Mattermost reads a payload: as is, else with control
 * characters escaped (`escapeControlCharsFromPayload`); empty text is refused.
 */
export function parsePayloadJson(text: string, field = "body"): unknown {
  if (!text.trim()) throw payloadProblem(`${field}: is empty; send a JSON payload`);
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(escapeControlCharacters(text));
    } catch {
      throw payloadProblem(`${field}: is not valid JSON`);
    }
  }
}

function escapeControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is escaped
  return text.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A `__proto__` key anywhere: refused outright, as the app's JSON parser does, never merged. */
function protoKeyProblem(value: unknown): AppError | null {
  const stack = [value];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item === null || typeof item !== "object") continue;
    if (!Array.isArray(item) && Object.hasOwn(item, "__proto__")) return payloadProblem("body: must not contain a __proto__ key");
    stack.push(...Object.values(item));
  }
  return null;
}

/** The form fields Sitrep reads as payload fields when a form has no `payload` (and multipart ones always). */
const FORM_FIELDS = ["text", "channel", "username", "icon_url", "icon_emoji", "type"] as const;

function formFields(get: (name: string) => string | null): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of FORM_FIELDS) {
    const value = get(name);
    if (value !== null) fields[name] = value;
  }
  return fields;
}

/**
 * The payload in a raw body of this content type (before the schema): a
 * form's `payload` JSON or fields, multipart fields, or JSON. A 400 names
 * what does not decode or holds what no route takes (input-guard.ts).
 */
export async function decodeIncomingWebhookBody(props: { contentType: string; body: Buffer }): Promise<unknown> {
  const mediaType = props.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  let decoded: unknown;
  if (mediaType === "application/x-www-form-urlencoded") {
    const params = new URLSearchParams(props.body.toString("utf8"));
    const payload = params.get("payload");
    decoded = payload === null ? formFields((name) => params.get(name)) : parsePayloadJson(payload, "payload");
  } else if (mediaType === "multipart/form-data") {
    decoded = await multipartFields(props);
  } else {
    decoded = parsePayloadJson(props.body.toString("utf8"));
  }
  // Depth and NUL first: the walks below then meet at most MAX_DEPTH levels.
  const problem = bodyProblem(decoded) ?? protoKeyProblem(decoded);
  if (problem) throw problem;
  return withoutNulls(decoded);
}

async function multipartFields(props: { contentType: string; body: Buffer }): Promise<unknown> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(props.body), { headers: { "content-type": props.contentType } }).formData();
  } catch (error) {
    throw payloadProblem(`body: is not valid multipart/form-data (${error instanceof Error ? error.message : String(error)})`);
  }
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : null;
  };
  const payload = text("payload");
  return payload === null ? formFields(text) : parsePayloadJson(payload, "payload");
}
