/** Users: list, make or unmake system admins, deactivate. */
import { useCallback, useEffect, useState } from "react";
import * as z from "zod/mini";
import { userSchema } from "#common/wire-schemas.ts";
import { isSystemAdmin, type User } from "#common/wire.ts";
import { errorMessage } from "../../api/client.ts";
import { FormError } from "../../components/FormError.tsx";
import { useServices } from "../../store/services.ts";
import { useStore } from "../../store/store.ts";

export function UsersAdmin() {
  const { api, store } = useServices();
  const me = useStore(store, (s) => s.me);
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers(await api.get("/api/v4/users", z.array(userSchema), { per_page: 200 }));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (what: () => Promise<unknown>, message: string) => {
    setError(null);
    setNotice(null);
    try {
      await what();
      setNotice(message);
      await load();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <>
      <h1>Users</h1>
      <div aria-live="polite">
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
      </div>
      <FormError message={error} />
      {users === null ? (
        <p>Loading…</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Users table">
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                const admin = isSystemAdmin(u);
                const active = u.delete_at === 0;
                return (
                  <tr key={u.id}>
                    <td>
                      @{u.username}
                      {u.is_bot && <span className="badge">BOT</span>}
                    </td>
                    <td>{u.email}</td>
                    <td>{admin ? "System admin" : "Member"}</td>
                    <td>{active ? "Active" : "Deactivated"}</td>
                    <td className="row-actions">
                      {active && !u.is_bot && u.id !== me?.id && (
                        <button
                          type="button"
                          className="button small"
                          aria-label={admin ? `Remove admin role from ${u.username}` : `Make ${u.username} a system admin`}
                          onClick={() =>
                            void run(
                              () => api.put(`/api/v4/users/${u.id}/roles`, { roles: admin ? "system_user" : "system_admin system_user" }),
                              admin ? `@${u.username} is no longer a system admin.` : `@${u.username} is now a system admin.`,
                            )
                          }
                        >
                          {admin ? "Remove admin" : "Make admin"}
                        </button>
                      )}
                      {active && u.id !== me?.id && (
                        <button
                          type="button"
                          className="button small danger"
                          aria-label={`Deactivate ${u.username}`}
                          onClick={() => void run(() => api.delete(`/api/v4/users/${u.id}`), `@${u.username} was deactivated.`)}
                        >
                          Deactivate
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
