/**
 * `/`: go to the first team's Town Square, or to the team picker when the
 * user has no team yet.
 */
import { useEffect } from "react";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";

export function RootRedirect() {
  const { store, router } = useServices();
  const teams = useStore(store, (s) => s.teams);
  useEffect(() => {
    if (!teams) return;
    const last = localStorage.getItem("sitrep.lastTeam");
    const team = teams.find((t) => t.name === last) ?? teams[0];
    router.navigate(team ? `/${team.name}` : "/select_team", { replace: true });
  }, [teams, router]);
  return (
    <main className="loading-page" aria-busy="true">
      <p>Loading…</p>
    </main>
  );
}
