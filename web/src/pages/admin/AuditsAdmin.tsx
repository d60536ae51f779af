/**
 * Audit log: the security-relevant actions of the workspace (`GET /api/v4/audits`),
 * newest first, a page at a time, with who did each one, from where and what
 * happened. Loaded when the page opens; "Refresh" loads the newest again.
 */
import { useCallback, useEffect, useState } from "react";
import * as z from "zod/mini";
import { auditSchema, userSchema } from "#common/wire-schemas.ts";
import type { Audit } from "#common/wire.ts";
import { errorMessage } from "../../api/client.ts";
import { FormError } from "../../components/FormError.tsx";
import { useServices } from "../../store/services.ts";

/** Entries per page. */
const PER_PAGE = 50;

/** When an entry was made, in the viewer's locale, to the second. */
function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}

export function AuditsAdmin() {
  const { api } = useServices();
  const [page, setPage] = useState(0);
  const [entries, setEntries] = useState<Audit[] | null>(null);
  const [usernames, setUsernames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState<number | null>(null);

  const load = useCallback(
    async (wanted: number) => {
      setError(null);
      try {
        const list = await api.get("/api/v4/audits", z.array(auditSchema), { page: wanted, per_page: PER_PAGE });
        const ids = [...new Set(list.map((a) => a.user_id).filter(Boolean))];
        const users = ids.length ? await api.post("/api/v4/users/ids", ids, z.array(userSchema)) : [];
        setUsernames(new Map(users.map((u) => [u.id, u.username])));
        setEntries(list);
        setPage(wanted);
        setLoadedAt(Date.now());
      } catch (e) {
        setError(errorMessage(e));
      }
    },
    [api],
  );

  useEffect(() => {
    void load(0);
  }, [load]);

  const who = (userId: string) => (userId ? (usernames.has(userId) ? `@${usernames.get(userId)}` : userId) : "—");

  return (
    <>
      <h1>Audit log</h1>
      <p>Sign-ins and failed sign-ins, role changes, deactivations, personal access tokens, plugin and workflow changes, newest first.</p>
      <div className="form-actions">
        <button type="button" className="button small" onClick={() => void load(0)}>
          Refresh
        </button>
        <span aria-live="polite" className="muted">
          {loadedAt !== null && `Page ${page + 1}, loaded ${new Date(loadedAt).toLocaleTimeString()}`}
        </span>
      </div>
      <FormError message={error} />
      {entries === null ? (
        !error && <p>Loading…</p>
      ) : entries.length === 0 ? (
        <p>{page === 0 ? "Nothing has been recorded yet." : "No older entries."}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Audit log table">
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">User</th>
                <th scope="col">Address</th>
                <th scope="col">Action</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((a) => (
                <tr key={a.id}>
                  <td>
                    <time dateTime={new Date(a.create_at).toISOString()}>{when(a.create_at)}</time>
                  </td>
                  <td>{who(a.user_id)}</td>
                  <td>{a.ip_address || "—"}</td>
                  <td>
                    <code>{a.action}</code>
                  </td>
                  <td>{a.extra_info}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="form-actions" aria-label="Audit log pages">
        <button type="button" className="button small" disabled={page === 0} onClick={() => void load(page - 1)}>
          Newer
        </button>
        <button
          type="button"
          className="button small"
          disabled={entries === null || entries.length < PER_PAGE}
          onClick={() => void load(page + 1)}
        >
          Older
        </button>
      </nav>
    </>
  );
}
