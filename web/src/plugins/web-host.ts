/**
 * @module plugins/web-host
 * The narrow services a plugin's web code gets (`WebHost`), built on the
 * app's own services.
 */
import { useEffect, useState } from "react";
import * as z from "zod/mini";
import { WebFetchError, type WebHost, type WebLocation } from "#common/web-plugin-api.ts";
import type { User } from "#common/wire.ts";
import { ApiError, type ApiClient } from "../api/client.ts";
import { UserPickerModal } from "../components/UserPickerModal.tsx";
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
    fetch: (path, init) => pluginFetch({ api, path, ...init }),
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
    UserPicker: UserPickerModal,
  };
}

/**
 * `WebHost.fetch`: the request, its answer parsed with the plugin's schema.
 * Rejects with a {@link WebFetchError}: the server's status, id, message and
 * details on 4xx/5xx (status 0 when the server could not be reached), or
 * status 0 and `web.fetch.bad_answer` when the answer does not parse.
 */
export async function pluginFetch<T>(props: {
  api: ApiClient;
  path: string;
  method?: string;
  body?: unknown;
  schema: z.core.$ZodType<T>;
}): Promise<T> {
  const method = (props.method ?? "GET").toUpperCase();
  let answer: unknown;
  try {
    answer = await props.api.request(props.path, { method, body: props.body });
  } catch (error) {
    if (error instanceof ApiError)
      throw new WebFetchError({ status: error.status, id: error.id, message: error.message, details: error.details });
    throw error;
  }
  const parsed = z.safeParse(props.schema, answer);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const where = first?.path.length ? `${first.path.map(String).join(".")}: ` : "";
  throw new WebFetchError({
    status: 0,
    id: "web.fetch.bad_answer",
    message: `The answer to ${method} ${props.path} is not what the plugin expects (${where}${first?.message ?? "invalid"}).`,
    details: parsed.error.issues,
  });
}
