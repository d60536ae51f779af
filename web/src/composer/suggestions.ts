/**
 * @module composer/suggestions
 * What the slash-command autocomplete offers for the composer's text:
 * triggers while the first word is typed, then the trigger's subcommands —
 * read from Mattermost `Command` objects (`auto_complete`, `auto_complete_hint`,
 * `auto_complete_desc`, `autocomplete_data.SubCommands`).
 */
import type { SlashCommand } from "#common/wire.ts";

export interface Suggestion {
  /** Stable within one list. */
  id: string;
  /** The composer's text once this suggestion is picked. */
  complete: string;
  label: string;
  hint: string;
  description: string;
  /** Where the caret goes once picked (the end of `complete` when absent), e.g. after a mention typed mid-message. */
  caret?: number;
  /** The group it is listed under, e.g. "Channel members" (none for slash commands). */
  section?: string;
}

/**
 * Suggestions for the composer's text.
 * @example suggestionsFor("/inc", commands) // [{label: "/incident", complete: "/incident ", ...}]
 */
export function suggestionsFor(text: string, commands: SlashCommand[]): Suggestion[] {
  if (!text.startsWith("/") || text.includes("\n")) return [];
  const offered = commands.filter((c) => c.auto_complete);
  const body = text.slice(1);
  const space = body.indexOf(" ");
  if (space === -1) {
    const prefix = body.toLowerCase();
    return offered
      .filter((c) => c.trigger.toLowerCase().startsWith(prefix))
      .map((c) => ({
        id: c.trigger,
        complete: `/${c.trigger} `,
        label: `/${c.trigger}`,
        hint: c.auto_complete_hint,
        description: c.auto_complete_desc,
      }));
  }
  const trigger = body.slice(0, space).toLowerCase();
  const rest = body.slice(space + 1);
  if (/\s/.test(rest)) return [];
  const command = offered.find((c) => c.trigger.toLowerCase() === trigger);
  if (!command) return [];
  const prefix = rest.toLowerCase();
  return (command.autocomplete_data?.SubCommands ?? [])
    .filter((s) => s.Trigger.toLowerCase().startsWith(prefix) && s.Trigger.toLowerCase() !== prefix)
    .map((s) => ({
      id: `${trigger}-${s.Trigger}`,
      complete: `/${command.trigger} ${s.Trigger} `,
      label: s.Trigger,
      hint: s.Hint,
      description: s.HelpText,
    }));
}
