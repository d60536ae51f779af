/**
 * @module plugins/web-host
 * The narrow services a plugin's web code gets (`WebHost`), built on the
 * app's own services.
 */
import { useEffect, useState } from "react";
import type { WebHost, WebLocation } from "#common/web-plugin-api.ts";
import type { User } from "#common/wire.ts";
import type { ApiClient } from "../api/client.ts";
import type { Router } from "../router/router.ts";
import { commandExecutor } from "../store/commands.ts";
import { webLocation } from "../store/location.ts";
import type { AppState } from "../store/state.ts";
import { useStore, type Store } from "../store/store.ts";
import { teamUsersLoader, usersEnsurer } from "../store/users.ts";

/** Make the `WebHost` of one plugin. */
export function createWebHost(services: { api: ApiClient; store: Store<AppState>; router: Router }, pluginId: string): WebHost {
  const { api, store, router } = services;
  const location = (): WebLocation => {
    const current = webLocation(store.get());
    if (!current) throw new Error("not signed in");
    return current;
  };
  return {
    pluginId,
    // The plugin API hands plugins the answer unchecked; each plugin parses it
    // with its own schemas (as the Incident plugin does).
    fetch: <T>(path: string, init: { method?: string; body?: unknown } = {}) =>
      api.request(path, { method: init.method, body: init.body }) as Promise<T>,
    location,
    navigate: (path) => router.navigate(path),
    async executeCommand(command) {
      const here = location();
      if (!here.channel) throw new Error("executeCommand: no channel is open");
      await commandExecutor(services, { channelId: here.channel.id, teamId: here.channel.team_id, command });
    },
    useUser(userId) {
      const user = useStore(store, (s) => (userId ? s.users[userId] : undefined));
      useEffect(() => {
        if (userId && !user) void usersEnsurer(services, [userId]).catch(() => undefined);
      }, [userId, user]);
      return user;
    },
    useTeamUsers() {
      const teamId = useStore(store, (s) => s.currentTeamId);
      const [users, setUsers] = useState<User[]>([]);
      useEffect(() => {
        if (!teamId) return;
        let cancelled = false;
        teamUsersLoader(services, teamId).then(
          (list) => !cancelled && setUsers(list),
          () => undefined,
        );
        return () => {
          cancelled = true;
        };
      }, [teamId]);
      return users;
    },
  };
}
