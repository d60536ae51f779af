/**
 * @module components/checklist
 * An incident's checklist grouped by stage, numbered like `/incident info`
 * numbers it: check, uncheck, add and remove items, assign them and set
 * their due time; overdue items stand out.
 */
import { useId, useRef, useState, type FormEvent } from "react";
import { LIMITS } from "../constants.ts";
import { useIncidentPlugin, useNow } from "../context.tsx";
import { checklistGroups, checklistProgress } from "../format.ts";
import type { ChecklistItem, Incident } from "../incident-types.ts";
import { ErrorText, useAction } from "./use-action.tsx";
import { UserName } from "./user-name.tsx";
import { UserSelect } from "./user-select.tsx";

/** Value of the stage select for items that belong to no stage. */
const NO_STAGE = "";

export function ChecklistSection({ incident }: { incident: Incident }) {
  const headingId = useId();
  const { done, total } = checklistProgress(incident);
  const editable = incident.status === "active";
  const groups = checklistGroups(incident);
  // The item last removed here, offered back until undone, dismissed or another is removed.
  const [removed, setRemoved] = useState<ChecklistItem | null>(null);

  return (
    <section className="incident-section incident-checklist-section" aria-labelledby={headingId}>
      <h4 id={headingId}>
        Checklist{" "}
        <span className="incident-progress" aria-label={`${done} of ${total} done`}>
          {`${done}/${total}`}
        </span>
      </h4>
      {groups.map((group, index) => {
        const current = group.stage !== null && group.stage === incident.current_stage;
        return (
          <div key={group.stage ?? "\u0000none"} className="incident-checklist-group" data-stage={group.stage ?? ""}>
            <h5 id={`${headingId}-${index}`}>
              {group.stage ?? "Any stage"}
              {current ? <span className="incident-stage-current"> · current</span> : null}
            </h5>
            {group.items.length === 0 ? (
              <p className="incident-empty incident-hint">No items.</p>
            ) : (
              <ol className="incident-checklist" aria-labelledby={`${headingId}-${index}`}>
                {group.items.map((item) => (
                  <ChecklistRow
                    key={item.id}
                    incident={incident}
                    item={item}
                    number={item.number}
                    editable={editable}
                    onRemoved={setRemoved}
                  />
                ))}
              </ol>
            )}
          </div>
        );
      })}
      {editable && removed ? <UndoRemoval incident={incident} item={removed} onDone={() => setRemoved(null)} /> : null}
      {editable ? <AddItemForm incident={incident} /> : null}
    </section>
  );
}

/** "Item 2 removed — Undo": puts the item back as it was, under its number. */
function UndoRemoval({ incident, item, onDone }: { incident: Incident; item: ChecklistItem; onDone(): void }) {
  const { store } = useIncidentPlugin();
  const action = useAction();
  const undo = async () => {
    if (await action.run(() => store.restoreItem(incident.id, item.id))) onDone();
  };
  return (
    <div className="incident-undo" role="status">
      <span>
        Item {item.number} “{item.title}” removed.
      </span>
      <button type="button" className="incident-btn" disabled={action.pending} onClick={() => void undo()}>
        Undo
      </button>
      <button type="button" className="incident-btn incident-btn-icon" aria-label="Dismiss" title="Dismiss" onClick={onDone}>
        <span aria-hidden="true">✕</span>
      </button>
      <ErrorText error={action.error} />
    </div>
  );
}

function ChecklistRow({
  incident,
  item,
  number,
  editable,
  onRemoved,
}: {
  incident: Incident;
  item: ChecklistItem;
  number: number;
  editable: boolean;
  /** After the server removed it: the section offers to undo. */
  onRemoved(item: ChecklistItem): void;
}) {
  const { store } = useIncidentPlugin();
  const action = useAction();
  const id = useId();
  // Shown at once while the change is on its way; the server's answer (or an error) replaces it.
  const [optimistic, setOptimistic] = useState<boolean | null>(null);
  const checked = optimistic ?? item.checked;
  const now = useNow();
  const overdue = !item.checked && item.due_at > 0 && now > item.due_at;
  const toggle = async (value: boolean) => {
    setOptimistic(value);
    try {
      await action.run(() => store.setChecked(incident.id, item.id, value));
    } finally {
      setOptimistic(null);
    }
  };
  return (
    <li className={`incident-check${overdue ? " incident-check-overdue" : ""}`} data-item-id={item.id}>
      <span className="incident-check-num" aria-hidden="true">
        {number}.
      </span>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={!editable || action.pending}
        aria-describedby={action.error ? `${id}-error` : undefined}
        onChange={(event) => void toggle(event.target.checked)}
      />
      <label htmlFor={id}>
        <span className={checked ? "incident-done" : undefined}>{item.title}</span>
        {item.checked && item.checked_by ? (
          <span className="incident-check-by">
            checked by <UserName userId={item.checked_by} />
          </span>
        ) : null}
        {!editable && item.assignee_user_id ? (
          <span className="incident-check-by">
            assigned to <UserName userId={item.assignee_user_id} />
          </span>
        ) : null}
        {item.due_at > 0 ? (
          <span className={`incident-check-by${overdue ? " incident-overdue" : ""}`}>
            {overdue ? "overdue since " : "due "}
            <time dateTime={new Date(item.due_at).toISOString()}>{formatDue(item.due_at)}</time>
          </span>
        ) : null}
      </label>
      {editable ? (
        <button
          type="button"
          className="incident-btn incident-btn-icon"
          aria-label={`Remove item ${number}: ${item.title}`}
          title="Remove item"
          disabled={action.pending}
          onClick={() =>
            void action.run(async () => {
              await store.removeItem(incident.id, item.id);
              onRemoved(item);
            })
          }
        >
          <span aria-hidden="true">✕</span>
        </button>
      ) : null}
      {editable ? <ItemAssignment incident={incident} item={item} number={number} /> : null}
      <ErrorText error={action.error} id={`${id}-error`} />
    </li>
  );
}

/** "14:30" today, else "Dec 2, 14:30". */
function formatDue(at: number): string {
  const date = new Date(at);
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return date.toDateString() === new Date().toDateString()
    ? time
    : `${date.toLocaleDateString([], { month: "short", day: "numeric" })}, ${time}`;
}

/** `<input type="datetime-local">` value of a time (local), "" for none. */
function localInputValue(at: number): string {
  if (at <= 0) return "";
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The item's assignee (a team member or nobody) and due time, changed on the spot. */
function ItemAssignment({ incident, item, number }: { incident: Incident; item: ChecklistItem; number: number }) {
  const { store } = useIncidentPlugin();
  const action = useAction();
  const id = useId();
  // The due time being typed; sent when the field is left or Enter pressed (not on every keystroke).
  const [draft, setDraft] = useState<string | null>(null);
  const commitDue = () => {
    if (draft === null) return;
    const dueAt = draft ? new Date(draft).getTime() : 0;
    setDraft(null);
    if (!Number.isNaN(dueAt) && dueAt !== item.due_at) void action.run(() => store.changeItem(incident.id, item.id, { due_at: dueAt }));
  };
  return (
    <div className="incident-check-assign">
      <UserSelect
        id={`${id}-assignee`}
        label={`Assignee of item ${number}`}
        className="incident-assignee-select"
        value={item.assignee_user_id}
        allowNone
        disabled={action.pending}
        onChange={(userId) => void action.run(() => store.changeItem(incident.id, item.id, { assignee_user_id: userId }))}
      />
      <input
        type="datetime-local"
        className="incident-input incident-due-input"
        aria-label={`Due time of item ${number}`}
        value={draft ?? localInputValue(item.due_at)}
        disabled={action.pending}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={commitDue}
        onKeyDown={(event) => {
          if (event.key === "Enter") commitDue();
          if (event.key === "Escape" && draft !== null) {
            event.stopPropagation();
            setDraft(null);
          }
        }}
      />
      <ErrorText error={action.error} />
    </div>
  );
}

function AddItemForm({ incident }: { incident: Incident }) {
  const { store } = useIncidentPlugin();
  const [title, setTitle] = useState("");
  // Follows the current stage until the user picks one.
  const [picked, setPicked] = useState<string | null>(null);
  const stage = picked ?? incident.current_stage;
  const action = useAction();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = title.trim();
    if (!text) {
      inputRef.current?.focus();
      return;
    }
    const ok = await action.run(() => store.addItem(incident.id, text, stage === NO_STAGE ? null : stage));
    if (ok) {
      setTitle("");
      inputRef.current?.focus();
    }
  };

  return (
    <form className="incident-add-item" onSubmit={(e) => void submit(e)} aria-label="Add checklist item">
      <div className="incident-field">
        <label htmlFor={`${id}-title`}>New item</label>
        <input
          ref={inputRef}
          id={`${id}-title`}
          className="incident-input"
          value={title}
          maxLength={LIMITS.itemTitleMax}
          placeholder="e.g. Notify customer support"
          onChange={(event) => setTitle(event.target.value)}
        />
      </div>
      <div className="incident-inline">
        <label htmlFor={`${id}-stage`} className="incident-label">
          In stage
        </label>
        <select id={`${id}-stage`} className="incident-select" value={stage} onChange={(event) => setPicked(event.target.value)}>
          {incident.stages.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
          <option value={NO_STAGE}>Any stage</option>
        </select>
        <button type="submit" className="incident-btn incident-btn-primary" disabled={action.pending || title.trim() === ""}>
          Add item
        </button>
      </div>
      <ErrorText error={action.error} />
    </form>
  );
}
