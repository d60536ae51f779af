/**
 * `/select_team`: join an open team or create one (shown when the user has
 * no team, and reachable from the team sidebar's "+").
 */
import { useEffect, useState, type FormEvent } from "react";
import type { Team } from "#common/wire.ts";
import { LIMITS, slugify } from "#common/limits.ts";
import { errorMessage } from "../api/client.ts";
import { FormError } from "../components/FormError.tsx";
import { Link } from "../components/Link.tsx";
import { useServices } from "../store/services.ts";
import { logoutStarter } from "../store/session.ts";
import { useStore } from "../store/store.ts";
import { joinableTeams, teamCreator, teamJoiner } from "../store/teams.ts";

export function SelectTeamPage() {
  const services = useServices();
  const teams = useStore(services.store, (s) => s.teams);
  const [open, setOpen] = useState<Team[] | null>(null);
  const [displayName, setDisplayName] = useState("");
  const [name, setName] = useState("");
  const [nameEdited, setNameEdited] = useState(false);
  const [inviteOnly, setInviteOnly] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = "Teams · Sitrep";
    joinableTeams(services).then(setOpen, (e: unknown) => setError(errorMessage(e)));
  }, [services, teams]);

  const join = async (team: Team) => {
    setError(null);
    try {
      await teamJoiner(services, team);
      services.router.navigate(`/${team.name}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const team = await teamCreator(services, {
        name: name || slugify(displayName),
        displayName: displayName.trim(),
        type: inviteOnly ? "I" : "O",
      });
      services.router.navigate(`/${team.name}`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="message-page select-team">
      <h1>{teams && teams.length > 0 ? "Teams" : "Welcome to Sitrep"}</h1>
      {teams && teams.length === 0 && <p>You are not on a team yet. Join an open team or create a new one.</p>}
      {teams && teams.length > 0 && (
        <section aria-labelledby="my-teams">
          <h2 id="my-teams">Your teams</h2>
          <ul className="team-list">
            {teams.map((t) => (
              <li key={t.id}>
                <Link to={`/${t.name}`}>{t.display_name}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="open-teams">
        <h2 id="open-teams">Open teams you can join</h2>
        {open === null ? (
          <p>Loading…</p>
        ) : open.length === 0 ? (
          <p>There are no other open teams.</p>
        ) : (
          <ul className="team-list">
            {open.map((t) => (
              <li key={t.id}>
                <span>{t.display_name}</span>
                <button type="button" className="button" onClick={() => void join(t)}>
                  Join {t.display_name}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="create-team">
        <h2 id="create-team">Create a team</h2>
        <form className="stack-form" onSubmit={create}>
          <label htmlFor="team-display-name">Team name</label>
          <input
            id="team-display-name"
            required
            maxLength={LIMITS.displayNameMax}
            value={displayName}
            onChange={(e) => {
              setDisplayName(e.target.value);
              if (!nameEdited) setName(e.target.value.trim() ? slugify(e.target.value) : "");
            }}
          />
          <label htmlFor="team-url-name">Team URL</label>
          <input
            id="team-url-name"
            required
            aria-describedby="team-url-help"
            value={name}
            onChange={(e) => {
              setNameEdited(true);
              setName(e.target.value);
            }}
          />
          <p className="help" id="team-url-help">
            {window.location.origin}/{name || "your-team"}: lowercase letters, digits, “-” and “_”.
          </p>
          <label className="checkbox">
            <input type="checkbox" checked={inviteOnly} onChange={(e) => setInviteOnly(e.target.checked)} /> Invite only
          </label>
          <FormError message={error} />
          <button type="submit" className="button primary" disabled={busy}>
            Create team
          </button>
        </form>
      </section>
      <p>
        <button
          type="button"
          className="link-button"
          onClick={() => void logoutStarter(services).then(() => services.router.navigate("/login"))}
        >
          Log out
        </button>
      </p>
    </main>
  );
}
