/**
 * @module store/statuses
 * Users' presence (online, away, do not disturb, offline) for the dots
 * beside names: read with `POST /api/v4/users/status/ids` for the people on
 * screen and again every minute while they are (as Mattermost polls), and
 * changed at once by a `status_change` event.
 */
import { useEffect } from "react";
import * as z from "zod/mini";
import { userStatusSchema } from "#common/wire-schemas.ts";
import type { UserStatus } from "#common/wire.ts";
import type { Services } from "./services.ts";

type Deps = Pick<Services, "api" | "store">;

/** How often the statuses on screen are read again. */
export const STATUS_POLL_MS = 60_000;

/** Read the statuses of `userIds` into the store. */
export async function statusesLoader(services: Deps, userIds: readonly string[]): Promise<void> {
  const ids = [...new Set(userIds)].filter((id) => id && !id.startsWith("local-"));
  if (ids.length === 0) return;
  const statuses = await services.api.post("/api/v4/users/status/ids", ids, z.array(userStatusSchema));
  services.store.update((s) => {
    let changed = false;
    const next = { ...s.statuses };
    for (const status of statuses) {
      if (next[status.user_id] === status.status) continue;
      next[status.user_id] = status.status;
      changed = true;
    }
    return changed ? { ...s, statuses: next } : s;
  });
}

/** One user's status changed (`status_change`). */
export function statusReceiver(services: Pick<Services, "store">, props: { userId: string; status: UserStatus["status"] }): void {
  services.store.update((s) =>
    s.statuses[props.userId] === props.status ? s : { ...s, statuses: { ...s.statuses, [props.userId]: props.status } },
  );
}

/**
 * Keep the statuses of these users fresh while the component is shown.
 * `userIds` is compared by value, so a new array with the same ids reads nothing again.
 */
export function useStatuses(services: Deps, userIds: readonly string[]): void {
  const key = [...new Set(userIds)].sort().join(",");
  useEffect(() => {
    const ids = key ? key.split(",") : [];
    if (ids.length === 0) return;
    const load = () => void statusesLoader(services, ids).catch(() => undefined);
    load();
    const timer = setInterval(load, STATUS_POLL_MS);
    return () => clearInterval(timer);
  }, [services, key]);
}
