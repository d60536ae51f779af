/**
 * @module slash-command
 * A slash command as Mattermost's `Command` object, built in one place for
 * the server's lists (registered and custom commands) and the web app's tests.
 */
import type { SlashCommand } from "./wire.ts";

/**
 * A command as Mattermost's `Command`, with `autocomplete_data` (what the
 * official clients' autocomplete reads): for registered commands, and for
 * custom ones (`services/custom-commands.ts`) with their stored fields.
 */
export function mattermostCommand(props: {
  trigger: string;
  pluginId: string;
  teamId: string;
  description: string;
  hint: string;
  subcommands: ReadonlyArray<{ name: string; hint?: string; description: string }>;
  stored?: Omit<SlashCommand, "autocomplete_data" | "autocomplete_icon_data" | "plugin_id">;
}): SlashCommand {
  const data = (trigger: string, hint: string, helpText: string) => ({
    Trigger: trigger,
    Hint: hint,
    HelpText: helpText,
    RoleID: "",
    Arguments: [],
  });
  return {
    id: "",
    token: "",
    create_at: 0,
    update_at: 0,
    delete_at: 0,
    creator_id: "",
    team_id: props.teamId,
    trigger: props.trigger,
    method: "P",
    username: "",
    icon_url: "",
    auto_complete: true,
    auto_complete_desc: props.description,
    auto_complete_hint: props.hint,
    display_name: props.trigger,
    description: props.description,
    url: "",
    ...props.stored,
    plugin_id: props.pluginId,
    autocomplete_data: {
      ...data(props.trigger, props.hint, props.description),
      SubCommands: props.subcommands.map((s) => ({ ...data(s.name, s.hint ?? "", s.description), SubCommands: [] })),
    },
    autocomplete_icon_data: "",
  };
}
