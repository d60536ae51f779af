/**
 * @module components/update-card
 * The card for `custom_incident_update` posts: the bot's record of a change,
 * with an icon for what happened and a button opening the incident in the RHS.
 */
import type { PostTypeProps } from "../../../../common/web-plugin-api.ts";
import { useIncidentPlugin } from "../context.tsx";
import { updatePostPropsSchema } from "../incident-types.ts";
import { useIncidentStyles } from "../styles.ts";

/** Icon and a short label by `props.action`; matched on the action's words, so `stage_changed` and `stage` both work. */
const ACTIONS: Array<{ match: RegExp; icon: string; label: string }> = [
  { match: /start|creat/, icon: "🚨", label: "Incident started" },
  { match: /end|resolve|close/, icon: "🏁", label: "Incident ended" },
  { match: /stage/, icon: "🔀", label: "Stage changed" },
  { match: /commander/, icon: "👤", label: "Commander changed" },
  { match: /uncheck/, icon: "⬜", label: "Checklist item unchecked" },
  { match: /check/, icon: "✅", label: "Checklist item checked" },
  { match: /add/, icon: "➕", label: "Checklist item added" },
  { match: /remov|delet/, icon: "➖", label: "Checklist item removed" },
  { match: /rule|forward/, icon: "📨", label: "Forwarding" },
];

export function describeAction(action: string | undefined): { icon: string; label: string } {
  const found = action ? ACTIONS.find((a) => a.match.test(action.toLowerCase())) : undefined;
  return found ?? { icon: "📣", label: "Incident update" };
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
      <span className="incident-card-icon" aria-hidden="true">
        {icon}
      </span>
      <div className="incident-card-body">
        <p className="incident-card-message">{plainText(post.message)}</p>
        {incidentId ? (
          <div>
            <button
              type="button"
              className="incident-link-btn"
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
