/**
 * @module components/user-name
 * A user's @username, looked up through the host's user cache.
 */
import { useIncidentPlugin } from "../context.tsx";

export function UserName({ userId }: { userId: string | null | undefined }) {
  const { host } = useIncidentPlugin();
  const user = host.useUser(userId);
  if (!userId) return <span>nobody</span>;
  return <span className="incident-username">{user ? `@${user.username}` : "…"}</span>;
}
