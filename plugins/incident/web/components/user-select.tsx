/**
 * @module components/user-select
 * A select of the team's users (a plugin may not import the host's user
 * picker), with "Nobody" first when `allowNone`; bots are left out; the chosen
 * user stays listed even when no longer in the team list.
 */
import { useIncidentPlugin } from "../context.tsx";

export function UserSelect({
  id,
  value,
  label,
  allowNone,
  disabled,
  describedBy,
  className,
  onChange,
}: {
  id: string;
  value: string;
  /** The accessible name when no `<label htmlFor>` names it. */
  label?: string;
  allowNone: boolean;
  disabled: boolean;
  describedBy?: string;
  className?: string;
  onChange(userId: string): void;
}) {
  const { host } = useIncidentPlugin();
  const users = host.useTeamUsers();
  const chosen = host.useUser(value || undefined);
  // People only: a bot cannot command, hold a role or work an item (one already chosen stays shown).
  const options = users.filter((u) => (u.delete_at === 0 && !u.is_bot) || u.id === value);
  if (chosen && !options.some((u) => u.id === chosen.id)) options.unshift(chosen);
  options.sort((a, b) => a.username.localeCompare(b.username));
  return (
    <select
      id={id}
      className={`incident-select${className ? ` ${className}` : ""}`}
      value={value}
      aria-label={label}
      disabled={disabled}
      aria-describedby={describedBy}
      onChange={(event) => onChange(event.target.value)}
    >
      {allowNone ? <option value="">Nobody</option> : null}
      {value && !options.some((u) => u.id === value) ? <option value={value}>…</option> : null}
      {options.map((user) => (
        <option key={user.id} value={user.id}>
          @{user.username}
          {user.first_name || user.last_name ? ` (${`${user.first_name} ${user.last_name}`.trim()})` : ""}
        </option>
      ))}
    </select>
  );
}
