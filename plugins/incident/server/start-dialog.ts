/**
 * @module incident/server/start-dialog
 * The start dialog (`/incident start` without arguments, or the RHS button via
 * `POST /incidents/dialog`): name, channel name, playbook, and the fields of
 * the team's playbooks; the chosen playbook's required fields are checked on
 * submit, and any error is shown beside the element it concerns.
 */
import { expectedError, notFound } from "#common/plugin-errors.ts";
import type { DialogElement } from "#common/wire.ts";
import { incidentStarter } from "./commands/incident-starter.ts";
import type { IncidentDeps } from "./incident-deps.ts";

const NONE = "none";

/** Open the start dialog in the user's browser. */
export async function openStartDialog(deps: IncidentDeps, props: { userId: string; teamId: string; channelId: string }): Promise<void> {
  const { ctx, store } = deps;
  if (!(await ctx.teams.isMember(props.teamId, props.userId)))
    throw notFound("incident.team.not_found", `team_id: no team with id ${props.teamId} that you belong to`);
  const playbooks = await store.listPlaybooks(props.teamId);
  const fieldOwners = new Map<string, { required: string[]; optional: string[]; description?: string }>();
  for (const playbook of playbooks) {
    for (const [key, field] of Object.entries(playbook.spec.fields)) {
      const entry = fieldOwners.get(key) ?? { required: [], optional: [], description: field.description };
      (field.required ? entry.required : entry.optional).push(playbook.name);
      fieldOwners.set(key, entry);
    }
  }
  const elements: DialogElement[] = [
    { name: "name", display_name: "Name", type: "text", placeholder: "What is happening? e.g. Payments API down" },
    {
      name: "channel_name",
      display_name: "Channel name",
      type: "text",
      optional: true,
      help_text: "Lowercase letters, digits, - and _. Empty: from the playbook or the name.",
    },
    {
      name: "playbook",
      display_name: "Playbook",
      type: "select",
      default: NONE,
      options: [{ text: "None", value: NONE }, ...playbooks.map((p) => ({ text: p.name, value: p.id }))],
    },
    ...[...fieldOwners.entries()].map(([key, owner]): DialogElement => ({
      name: `field.${key}`,
      display_name: key,
      type: "text",
      optional: true,
      help_text: [
        owner.description,
        owner.required.length ? `Required by ${owner.required.join(", ")}.` : "",
        owner.optional.length ? `Used by ${owner.optional.join(", ")}.` : "",
      ]
        .filter(Boolean)
        .join(" "),
    })),
  ];
  ctx.dialogs.open({
    userId: props.userId,
    channelId: props.channelId,
    teamId: props.teamId,
    dialog: { title: "Start incident", submit_label: "Start", elements },
    async onSubmit(submission) {
      const fields: Record<string, string> = {};
      const playbookId = submission.values.playbook && submission.values.playbook !== NONE ? submission.values.playbook : undefined;
      const chosen = playbookId ? playbooks.find((p) => p.id === playbookId) : undefined;
      for (const [name, value] of Object.entries(submission.values)) {
        const key = name.startsWith("field.") ? name.slice("field.".length) : null;
        // Only the chosen playbook's fields are passed on; others' are ignored.
        if (key && value.trim() && chosen && Object.hasOwn(chosen.spec.fields, key)) fields[key] = value.trim();
      }
      try {
        const result = await incidentStarter(deps, {
          actorId: submission.userId,
          teamId: submission.teamId,
          name: submission.values.name ?? "",
          channelName: submission.values.channel_name?.trim() || undefined,
          playbookId,
          fields,
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
        return { errors: { [elementFor(expected.message)]: expected.message } };
      }
    },
  });
}

/** The dialog element an error message is about, from its `field:` prefix. */
function elementFor(message: string): string {
  const field = /^([a-z_.]+):/.exec(message)?.[1] ?? "name";
  if (field.startsWith("fields.")) return `field.${field.slice("fields.".length)}`;
  if (field === "channel_name") return "channel_name";
  if (field === "playbook" || field === "playbook_id") return "playbook";
  return "name";
}
