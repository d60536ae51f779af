/**
 * @module incident/server/start-dialog
 * The start dialog (`/incident start` without arguments, the RHS button via
 * `POST /incidents/dialog`, and the post menu's "Start incident from this
 * message" with `post_id`): name, channel name or "run it here", playbook,
 * severity, commander, private, drill, and the fields of the team's
 * playbooks (DESIGN.md section 10's start fields). Each playbook's fields
 * show only while it is chosen (`show_when`), filled with their defaults and
 * required as the playbook says. From a message, the
 * message is quoted at the top, names the incident by default, and goes on
 * the timeline. Any error is shown beside the element it concerns.
 */
import { expectedError, notFound } from "#common/plugin-errors.ts";
import type { DialogElement, Post } from "#common/wire.ts";
import { DEFAULT_SEVERITY_NAMES } from "../common/playbook.ts";
import { INCIDENT_LIMITS } from "../common/types.ts";
import { incidentStarter } from "./commands/incident-starter.ts";
import type { IncidentDeps } from "./incident-deps.ts";
import { timelinePost } from "./timeline.ts";

const NONE = "none";
/** The severity element's value for "the playbook's default". */
const DEFAULT = "default";

/** Open the start dialog in the user's browser; with `postId`, started from that message. */
export async function openStartDialog(
  deps: IncidentDeps,
  props: { userId: string; teamId: string; channelId: string; postId?: string },
): Promise<void> {
  const { ctx, store } = deps;
  if (!(await ctx.teams.isMember(props.teamId, props.userId)))
    throw notFound("incident.team.not_found", `team_id: no team with id ${props.teamId} that you belong to`);
  // The message must be one the incident may quote (see timelinePost): checked now, and again at the start.
  const post = props.postId
    ? await timelinePost(deps, {
        userId: props.userId,
        postId: props.postId,
        incident: { channel_id: props.channelId, team_id: props.teamId },
      })
    : null;
  const here = await ctx.channels.get(props.channelId);
  const canRunHere =
    here !== null &&
    here.team_id === props.teamId &&
    (here.type === "O" || here.type === "P") &&
    (await ctx.channels.isMember(here.id, props.userId));
  const playbooks = await store.listPlaybooks(props.teamId);
  const severities = [...new Set([...DEFAULT_SEVERITY_NAMES, ...playbooks.flatMap((p) => p.spec.severities ?? [])])];
  const elements: DialogElement[] = [
    {
      name: "name",
      display_name: "Name",
      type: "text",
      placeholder: "What is happening? e.g. Payments API down",
      ...(post ? { default: nameFrom(post) } : {}),
    },
    {
      name: "channel_name",
      display_name: "Channel name",
      type: "text",
      optional: true,
      help_text: "Lowercase letters, digits, - and _. Empty: from the playbook or the name.",
    },
    ...(canRunHere && here
      ? [
          {
            name: "here",
            display_name: `Run it in ~${here.name}`,
            type: "bool" as const,
            optional: true,
            default: "false",
            help_text: "Run the incident in this channel instead of creating one.",
          },
        ]
      : []),
    {
      name: "playbook",
      display_name: "Playbook",
      type: "select",
      default: NONE,
      options: [{ text: "None", value: NONE }, ...playbooks.map((p) => ({ text: p.name, value: p.id }))],
    },
    // Right after the playbook: its fields, shown only while it is chosen.
    ...playbooks.flatMap((playbook) =>
      Object.entries(playbook.spec.fields).map(([key, field]): DialogElement => ({
        name: fieldElementName(playbook.id, key),
        display_name: key,
        type: "text",
        optional: !field.required,
        ...(field.default !== undefined ? { default: field.default } : {}),
        ...(field.description ? { help_text: field.description } : {}),
        show_when: { element: "playbook", values: [playbook.id] },
      })),
    ),
    {
      name: "severity",
      display_name: "Severity",
      type: "select",
      default: DEFAULT,
      optional: true,
      help_text: "Most severe first. Must be one of the chosen playbook's severities.",
      options: [{ text: "The playbook's default", value: DEFAULT }, ...severities.map((s) => ({ text: s, value: s }))],
    },
    { name: "commander", display_name: "Commander", type: "user", optional: true, help_text: "Empty: you." },
    {
      name: "private",
      display_name: "Private",
      type: "bool",
      optional: true,
      default: "false",
      help_text: "Only the channel's members see it.",
    },
    {
      name: "drill",
      display_name: "Drill",
      type: "bool",
      optional: true,
      default: "false",
      help_text: "A practice run, marked as a drill everywhere.",
    },
  ];
  ctx.dialogs.open({
    userId: props.userId,
    channelId: props.channelId,
    teamId: props.teamId,
    dialog: {
      title: post ? "Start incident from a message" : "Start incident",
      submit_label: "Start",
      ...(post ? { introduction_text: quoted(post) } : {}),
      elements,
    },
    async onSubmit(submission) {
      const fields: Record<string, string> = {};
      const playbookId = submission.values.playbook && submission.values.playbook !== NONE ? submission.values.playbook : undefined;
      const chosen = playbookId ? playbooks.find((p) => p.id === playbookId) : undefined;
      // Only the chosen playbook's fields are shown, so only they arrive; a cleared default is left to the playbook.
      for (const key of Object.keys(chosen?.spec.fields ?? {})) {
        const value = chosen ? submission.values[fieldElementName(chosen.id, key)]?.trim() : undefined;
        if (value) fields[key] = value;
      }
      try {
        const { values } = submission;
        const severity = values.severity && values.severity !== DEFAULT ? values.severity : undefined;
        const result = await incidentStarter(deps, {
          actorId: submission.userId,
          teamId: submission.teamId,
          name: values.name ?? "",
          channelName: values.channel_name?.trim() || undefined,
          channelId: canRunHere && values.here === "true" ? props.channelId : undefined,
          playbookId,
          fields,
          severity,
          commanderUserId: values.commander?.trim() || undefined,
          private: values.private === "true",
          drill: values.drill === "true",
          postId: post?.id,
          paramNames: { channel_id: "here", commander_user_id: "commander", post_id: "name" },
        });
        const notes = result.notes.length ? `\n${result.notes.join("\n")}` : "";
        ctx.posts.sendEphemeral({
          userId: submission.userId,
          channelId: submission.channelId,
          message: `Started incident **${result.incident.name}** in ~${result.incident.channel_name}.${notes}`,
        });
        return;
      } catch (error) {
        const expected = expectedError(error);
        if (!expected) throw error;
        return { errors: { [elementFor(expected.message, playbookId)]: expected.message } };
      }
    },
  });
}

/** The element of one playbook's field. */
function fieldElementName(playbookId: string, key: string): string {
  return `field.${playbookId}.${key}`;
}

/** The dialog element an error message is about, from its `field:` prefix. */
function elementFor(message: string, playbookId: string | undefined): string {
  const field = /^([a-z_.]+):/.exec(message)?.[1] ?? "name";
  if (field.startsWith("fields.") && playbookId) return fieldElementName(playbookId, field.slice("fields.".length));
  if (field === "playbook" || field === "playbook_id") return "playbook";
  if (["channel_name", "here", "severity", "commander", "private", "drill"].includes(field)) return field;
  return "name";
}

/** The message, quoted as markdown, at the top of the dialog. */
function quoted(post: Post): string {
  const text = post.message.length > 1000 ? `${post.message.slice(0, 999)}…` : post.message;
  return text
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}

/** A default name: the message's first line, cut to fit. */
function nameFrom(post: Post): string {
  const line =
    post.message
      .split("\n")
      .find((l) => l.trim())
      ?.trim() ?? "";
  const max = Math.min(80, INCIDENT_LIMITS.nameMax);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
