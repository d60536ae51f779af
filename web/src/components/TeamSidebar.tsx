/** The narrow column of team buttons, as in Mattermost. */
import type { Team } from "#common/wire.ts";
import { Link } from "./Link.tsx";

function initials(team: Team): string {
  const words = team.display_name.trim().split(/\s+/);
  return ((words[0]?.[0] ?? "") + (words[1]?.[0] ?? "")).toUpperCase() || team.name.slice(0, 2).toUpperCase();
}

export function TeamSidebar({ teams, currentTeamId }: { teams: Team[]; currentTeamId: string | null }) {
  return (
    <nav className="team-sidebar" aria-label="Teams">
      <ul>
        {teams.map((team) => (
          <li key={team.id}>
            <Link
              to={`/${team.name}`}
              className="team-button"
              aria-current={team.id === currentTeamId ? "page" : undefined}
              title={team.display_name}
              aria-label={team.display_name}
            >
              <span aria-hidden="true">{initials(team)}</span>
            </Link>
          </li>
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
