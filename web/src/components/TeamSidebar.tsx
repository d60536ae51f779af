/**
 * The narrow column of team buttons, as in Mattermost: each with its
 * unread mark and mention count (the channels of every team are loaded for
 * them, and kept up to date by the events).
 */
import { useEffect } from "react";
import type { Team } from "#common/wire.ts";
import { otherTeamsLoader } from "../store/channels.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { teamUnreads } from "../store/unreads.ts";
import { Link } from "./Link.tsx";
import { MentionBadge } from "./MentionBadge.tsx";

function initials(team: Team): string {
  const words = team.display_name.trim().split(/\s+/);
  return ((words[0]?.[0] ?? "") + (words[1]?.[0] ?? "")).toUpperCase() || team.name.slice(0, 2).toUpperCase();
}

function TeamButton({ team, current }: { team: Team; current: boolean }) {
  const { store } = useServices();
  const mentions = useStore(store, (s) => teamUnreads(s, team.id).mentions);
  const unread = useStore(store, (s) => teamUnreads(s, team.id).unread);
  const marked = !current && (unread || mentions > 0);
  return (
    <li>
      <Link
        to={`/${team.name}`}
        className={`team-button${marked && unread ? " unread" : ""}`}
        aria-current={current ? "page" : undefined}
        title={team.display_name}
        aria-label={
          team.display_name +
          (!current && mentions > 0 ? ` (${mentions} ${mentions === 1 ? "mention" : "mentions"})` : marked ? " (unread)" : "")
        }
      >
        <span aria-hidden="true">{initials(team)}</span>
        {!current && (
          <span aria-hidden="true">
            <MentionBadge count={mentions} />
          </span>
        )}
      </Link>
    </li>
  );
}

export function TeamSidebar({ teams, currentTeamId }: { teams: Team[]; currentTeamId: string | null }) {
  const services = useServices();
  const teamIds = teams
    .map((t) => t.id)
    .filter((id) => id !== currentTeamId)
    .join(",");
  useEffect(() => {
    if (teamIds) void otherTeamsLoader(services, teamIds.split(","));
  }, [services, teamIds]);

  return (
    <nav className="team-sidebar" aria-label="Teams">
      <ul>
        {teams.map((team) => (
          <TeamButton key={team.id} team={team} current={team.id === currentTeamId} />
        ))}
        <li>
          <Link to="/select_team" className="team-button add" title="Join or create a team" aria-label="Join or create a team">
            <span aria-hidden="true">+</span>
          </Link>
        </li>
      </ul>
    </nav>
  );
}
