/**
 * The team menu's plugin entries (`registerMainMenuAction`), as buttons under
 * the channel sidebar's header, e.g. the Incident plugin's "Incidents".
 */
import { useStore } from "../store/store.ts";
import { useServices } from "../store/services.ts";
import { useWebLocation } from "../store/location.ts";

export function TeamMenuActions() {
  const { plugins, store } = useServices();
  const actions = useStore(plugins.contributions, (c) => c.mainMenuActions);
  const location = useWebLocation(store);
  if (!actions.length || !location) return null;
  return (
    <ul className="team-menu-actions" aria-label="Team menu">
      {actions.map((item) => (
        <li key={item.key}>
          <button type="button" className="link-button" onClick={() => item.action(location)}>
            {item.text}
          </button>
        </li>
      ))}
    </ul>
  );
}
