/**
 * @module components/roles
 * The incident's roles besides the commander (playbook `roles`), each
 * assignable to a team member or nobody.
 */
import { useId } from "react";
import { useIncidentPlugin } from "../context.tsx";
import type { Incident } from "../incident-types.ts";
import { ErrorText, useAction } from "./use-action.tsx";
import { UserName } from "./user-name.tsx";
import { UserSelect } from "./user-select.tsx";

export function RolesSection({ incident }: { incident: Incident }) {
  const headingId = useId();
  const roles = Object.entries(incident.roles);
  if (roles.length === 0) return null;
  return (
    <section className="incident-section" aria-labelledby={headingId}>
      <h4 id={headingId}>Roles</h4>
      {roles.map(([role, userId]) =>
        incident.status === "active" ? (
          <RoleRow key={role} incident={incident} role={role} userId={userId} />
        ) : (
          <p key={role} className="incident-role">
            {role}: <UserName userId={userId || null} />
          </p>
        ),
      )}
    </section>
  );
}

function RoleRow({ incident, role, userId }: { incident: Incident; role: string; userId: string }) {
  const { store } = useIncidentPlugin();
  const action = useAction();
  const id = useId();
  return (
    <div className="incident-field incident-role" data-role={role}>
      <label htmlFor={id}>{role}</label>
      <UserSelect
        id={id}
        value={userId}
        allowNone
        disabled={action.pending}
        describedBy={action.error ? `${id}-error` : undefined}
        onChange={(next) => void action.run(() => store.assignRole(incident.id, role, next))}
      />
      <ErrorText error={action.error} id={`${id}-error`} />
    </div>
  );
}
