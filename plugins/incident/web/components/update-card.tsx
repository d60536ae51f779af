/**
 * @module components/update-card
 * The card for `custom_incident_update` posts: the bot's record of a change,
 * with an icon for what happened and a button opening the incident in the RHS.
 */
import type { PostTypeProps } from "../../../../common/web-plugin-api.ts";
import { useIncidentPlugin } from "../context.tsx";
import { updatePostPropsSchema } from "../incident-types.ts";
import { useIncidentStyles } from "../styles.ts";
import { Icon, type IconName } from "./icons.tsx";

/** Icon and a short label by `props.action`; matched on the action's words, so `stage_changed` and `stage` both work. */
const ACTIONS: Array<{ match: RegExp; icon: IconName; label: string }> = [
  { match: /start|creat/, icon: "siren", label: "Incident started" },
  { match: /end|resolve|close/, icon: "flag", label: "Incident ended" },
  { match: /stage/, icon: "stages", label: "Stage changed" },
  { match: /commander/, icon: "user", label: "Commander changed" },
  { match: /uncheck/, icon: "box", label: "Checklist item unchecked" },
  { match: /check/, icon: "check", label: "Checklist item checked" },
  { match: /add/, icon: "plus", label: "Checklist item added" },
  { match: /remov|delet/, icon: "minus", label: "Checklist item removed" },
  { match: /rule|forward/, icon: "mail", label: "Forwarding rules" },
];

export function describeAction(action: string | undefined): { icon: IconName; label: string } {
  const found = action ? ACTIONS.find((a) => a.match.test(action.toLowerCase())) : undefined;
  return found ?? { icon: "megaphone", label: "Incident update" };
}

/** The bot writes markdown; the card shows its text without the markup characters. */
function plainText(markdown: string): string {
  return markdown.replace(/\*\*(.+?)\*\*/g, "$1").replace(/(^|\s)_(.+?)_(?=\s|$)/g, "$1$2").replace(/`([^`]+)`/g, "$1");
}

export function UpdateCard({ post }: PostTypeProps) {
  useIncidentStyles();
  const { store, showRhs } = useIncidentPlugin();
  const parsed = updatePostPropsSchema.safeParse(post.props ?? {});
  const props = parsed.success ? parsed.data : {};
  const { icon, label } = describeAction(props.action);
  const incidentId = props.incident_id;

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
              Open {props.incident_name ? `“${props.incident_name}”` : "incident"} in the sidebar
            </button>
          </div>
        ) : null}
      </div>
    </div>
  );
}
