/**
 * @module components/update-card
 * The card for `custom_incident_update` posts: the bot's record of a change,
 * with an icon for what happened and a button opening the incident in the RHS.
 */
import type { PostTypeProps } from "#common/web-plugin-api.ts";
import type { UpdateAction } from "../../common/types.ts";
import { useIncidentPlugin, useIncidentState } from "../context.tsx";
import { updatePostPropsSchema } from "../incident-types.ts";
import { Icon, type IconName } from "./icons.tsx";

/** Icon and a short label for each action the bot records (typed against the server's list). */
const ACTIONS: Record<UpdateAction, { icon: IconName; label: string }> = {
  started: { icon: "siren", label: "Incident started" },
  stage_changed: { icon: "stages", label: "Stage changed" },
  severity_changed: { icon: "siren", label: "Severity changed" },
  commander_changed: { icon: "user", label: "Commander changed" },
  role_changed: { icon: "user", label: "Role assigned" },
  checklist_item_added: { icon: "plus", label: "Checklist item added" },
  checklist_item_removed: { icon: "minus", label: "Checklist item removed" },
  checklist_item_checked: { icon: "check", label: "Checklist item checked" },
  checklist_item_unchecked: { icon: "box", label: "Checklist item unchecked" },
  checklist_item_restored: { icon: "plus", label: "Checklist item restored" },
  checklist_item_assigned: { icon: "user", label: "Checklist item assigned" },
  checklist_item_due_changed: { icon: "box", label: "Checklist item due time changed" },
  status_update_posted: { icon: "megaphone", label: "Status update" },
  timeline_event_added: { icon: "plus", label: "Added to the timeline" },
  timeline_event_removed: { icon: "minus", label: "Removed from the timeline" },
  rules_reloaded: { icon: "mail", label: "Forwarding rules reloaded" },
  rules_switched_off: { icon: "minus", label: "Forwarding rules switched off" },
  alert_received: { icon: "siren", label: "Alert received" },
  alert_resolved: { icon: "check", label: "Alert resolved" },
  ended: { icon: "flag", label: "Incident ended" },
};

export function describeAction(action: string | undefined): { icon: IconName; label: string } {
  return (
    (action && Object.hasOwn(ACTIONS, action) ? ACTIONS[action as UpdateAction] : undefined) ?? {
      icon: "megaphone",
      label: "Incident update",
    }
  );
}

/** The bot writes markdown; the card shows its text without the markup characters. */
function plainText(markdown: string): string {
  return markdown
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(/(^|\s)_(.+?)_(?=\s|$)/g, "$1$2")
    .replace(/`([^`]+)`/g, "$1");
}

export function UpdateCard({ post }: PostTypeProps) {
  const { store, showRhs } = useIncidentPlugin();
  const known = useIncidentState().incidents;
  const parsed = updatePostPropsSchema.safeParse(post.props ?? {});
  const props = parsed.success ? parsed.data : {};
  const { icon, label } = describeAction(props.action);
  const incidentId = props.incident_id;
  const name = props.incident_name ?? (incidentId ? known[incidentId]?.name : undefined);

  return (
    <div className="incident-card" data-action={props.action ?? ""} role="group" aria-label={label}>
      <span className="incident-card-icon">
        <Icon name={icon} />
      </span>
      <div className="incident-card-body">
        <p className="incident-card-message">{plainText(post.message)}</p>
        {incidentId ? (
          <div>
            <button
              type="button"
              className="incident-link-btn incident-card-open"
              onClick={() => {
                store.open(incidentId, { focus: true });
                showRhs();
              }}
            >
              Open {name ? `“${name}”` : "the incident"} in the sidebar
            </button>
          </div>
        ) : null}
      </div>
    </div>
  );
}
