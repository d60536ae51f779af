/**
 * A modal to pick one or several people: type to search (the server's user
 * autocomplete, in a team when given), arrows to move, Enter to add the
 * highlighted person, Backspace in the empty box to take the last one back,
 * Enter again (or the button) to go on. Used for direct and group messages
 * and for adding channel members, and offered to plugins as
 * `WebHost.UserPicker`; nothing in it is about any of them.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { userAutocompleteSchema } from "#common/wire-schemas.ts";
import type { UserPickerProps } from "#common/web-plugin-api.ts";
import type { User } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import { fullNameOf } from "../composer/mention-suggestions.ts";
import { useServices } from "../store/services.ts";
import { useStatuses } from "../store/statuses.ts";
import { displayName, usersCacher } from "../store/users.ts";
import { FormError } from "./FormError.tsx";
import { Modal } from "./Modal.tsx";
import { StatusDot } from "./StatusDot.tsx";

/** The pause in typing before the server is asked. */
const SEARCH_DEBOUNCE_MS = 150;

export function UserPickerModal(props: UserPickerProps) {
  const services = useServices();
  const { teamId, excludeIds, max = Infinity } = props;
  const [term, setTerm] = useState("");
  const [found, setFound] = useState<User[] | null>(null);
  const [picked, setPicked] = useState<User[]>([]);
  const [active, setActive] = useState(0);
  // Moved through the list with the arrows since the last pick: Enter picks rather than goes on.
  const [browsing, setBrowsing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      services.api
        .get("/api/v4/users/autocomplete", userAutocompleteSchema, { in_team: teamId, name: term.trim().replace(/^@/, "") })
        .then((answer) => {
          if (cancelled) return;
          usersCacher(services, answer.users);
          setFound(answer.users);
          setActive(0);
        })
        .catch((e: unknown) => !cancelled && setError(errorMessage(e)));
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [services, teamId, term]);

  const excluded = new Set([...(excludeIds ?? []), ...picked.map((u) => u.id)]);
  const options = (found ?? []).filter((u) => u.delete_at === 0 && !excluded.has(u.id));
  const activeIndex = Math.min(active, Math.max(0, options.length - 1));
  const full = picked.length >= max;
  useStatuses(
    services,
    options.map((u) => u.id),
  );

  const submit = async (users: User[]) => {
    if (users.length === 0 || busy) return;
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(users);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  const add = (user: User) => {
    if (max === 1) {
      void submit([user]);
      return;
    }
    if (full) return;
    setPicked((list) => [...list, user]);
    setTerm("");
    setBrowsing(false);
    inputRef.current?.focus();
  };

  const remove = (user: User) => {
    setPicked((list) => list.filter((u) => u.id !== user.id));
    inputRef.current?.focus();
  };

  const keyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && options.length > 0) {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((activeIndex + step + options.length) % options.length);
      setBrowsing(true);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const chosen = options[activeIndex];
      if ((term.trim() || browsing) && chosen && !full) add(chosen);
      else if (picked.length > 0) void submit(picked);
      else if (chosen) add(chosen);
    } else if (event.key === "Backspace" && term === "" && picked.length > 0) {
      event.preventDefault();
      setPicked((list) => list.slice(0, -1));
    }
  };

  const listId = `${id}-list`;
  const open = options.length > 0 && !full;
  return (
    <Modal title={props.title} onClose={props.onClose} className="user-picker">
      {picked.length > 0 && (
        <ul className="picked-users" aria-label="Picked">
          {picked.map((u) => (
            <li key={u.id}>
              <span>@{u.username}</span>
              <button type="button" className="icon-button" aria-label={`Remove ${u.username}`} onClick={() => remove(u)}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={`${id}-search`}>Search people</label>
      <input
        id={`${id}-search`}
        ref={inputRef}
        type="text"
        role="combobox"
        data-autofocus
        autoComplete="off"
        value={term}
        disabled={full}
        onChange={(e) => {
          setTerm(e.target.value);
          setBrowsing(false);
        }}
        onKeyDown={keyDown}
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-autocomplete="list"
        aria-activedescendant={open ? `${id}-${activeIndex}` : undefined}
        aria-describedby={`${id}-help`}
      />
      <p className="help" id={`${id}-help`}>
        {props.help ?? "Arrows to move, Enter to pick."}
        {Number.isFinite(max) && max > 1 && ` Up to ${max} people.`}
      </p>
      <FormError message={error} />
      {open && (
        <ul className="user-options" id={listId} role="listbox" aria-label="People">
          {options.map((u, i) => (
            <li
              key={u.id}
              id={`${id}-${i}`}
              role="option"
              aria-selected={i === activeIndex}
              className={i === activeIndex ? "active" : undefined}
              onMouseDown={(e) => {
                e.preventDefault(); // keep focus in the search box
                add(u);
              }}
            >
              <StatusDot userId={u.id} />
              <span className="user-option-name">{displayName(u)}</span>
              <span className="muted"> @{u.username}</span>
              {fullNameOf(u) && <span className="muted"> · {fullNameOf(u)}</span>}
            </li>
          ))}
        </ul>
      )}
      {found === null && <p className="muted">Loading…</p>}
      {found !== null && options.length === 0 && !full && <p className="muted">Nobody matches.</p>}
      <div className="form-actions">
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
        {max > 1 && (
          <button type="button" className="button primary" disabled={busy || picked.length === 0} onClick={() => void submit(picked)}>
            {props.submitLabel}
          </button>
        )}
      </div>
    </Modal>
  );
}
