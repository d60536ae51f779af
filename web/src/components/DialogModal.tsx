/**
 * An interactive dialog a plugin opened (event `open_dialog`): a form whose
 * values go to `POST /api/v4/actions/dialogs/submit`. Errors the plugin
 * returns are shown by their field; Esc cancels (and tells the plugin).
 */
import { useEffect, useState, type FormEvent } from "react";
import { dialogSubmitResultSchema } from "#common/wire-schemas.ts";
import { shownDialogElements, type DialogElement, type User } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import type { OpenDialog } from "../store/state.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { teamUsersLoader } from "../store/users.ts";
import { FormError } from "./FormError.tsx";
import { Markdown } from "./Markdown.tsx";
import { Modal } from "./Modal.tsx";

type Values = Record<string, string | boolean>;

function initialValues(elements: DialogElement[]): Values {
  const values: Values = {};
  for (const el of elements) values[el.name] = el.type === "bool" ? el.default === "true" : (el.default ?? "");
  return values;
}

function Field({
  element,
  value,
  error,
  users,
  first,
  onChange,
}: {
  element: DialogElement;
  value: string | boolean;
  error?: string;
  users: User[];
  /** The dialog's first field: it takes the focus when the dialog opens. */
  first: boolean;
  onChange(v: string | boolean): void;
}) {
  const id = `dialog-${element.name}`;
  const describedBy = [element.help_text ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: element.name,
    "data-autofocus": first ? "" : undefined,
    required: !element.optional,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
  };
  let control;
  if (element.type === "bool") {
    control = (
      <label className="checkbox" htmlFor={id}>
        <input {...common} required={false} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />{" "}
        {element.display_name}
      </label>
    );
  } else if (element.type === "textarea") {
    control = (
      <textarea {...common} placeholder={element.placeholder} value={String(value)} onChange={(e) => onChange(e.target.value)} rows={4} />
    );
  } else if (element.type === "select" || element.type === "user") {
    const options = element.type === "user" ? users.map((u) => ({ text: `@${u.username}`, value: u.id })) : (element.options ?? []);
    control = (
      <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
        <option value="">{element.placeholder || "Choose…"}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input {...common} type="text" placeholder={element.placeholder} value={String(value)} onChange={(e) => onChange(e.target.value)} />
    );
  }
  return (
    <div className="dialog-field">
      {element.type !== "bool" && (
        <label htmlFor={id}>
          {element.display_name}
          {element.optional && <span className="muted"> (optional)</span>}
        </label>
      )}
      {control}
      {element.help_text && (
        <p className="help" id={`${id}-help`}>
          {element.help_text}
        </p>
      )}
      {error && (
        <p className="form-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

function DialogForm({ open }: { open: OpenDialog }) {
  const services = useServices();
  const { dialog } = open;
  const [values, setValues] = useState<Values>(() => initialValues(dialog.elements));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [busy, setBusy] = useState(false);
  const needsUsers = dialog.elements.some((e) => e.type === "user");
  const shown = shownDialogElements(dialog.elements, values);

  useEffect(() => {
    if (needsUsers && open.teamId) teamUsersLoader(services, open.teamId).then(setUsers, () => undefined);
  }, [needsUsers, open.teamId, services]);

  const close = () => services.store.update((s) => (s.dialog === open ? { ...s, dialog: null } : s));
  const submitBody = (extra: Record<string, unknown>) => ({
    callback_id: dialog.callback_id,
    channel_id: open.channelId,
    team_id: open.teamId,
    ...extra,
  });

  const cancel = () => {
    close();
    void services.api.post("/api/v4/actions/dialogs/submit", submitBody({ submission: {}, cancelled: true })).catch(() => undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await services.api.post(
        "/api/v4/actions/dialogs/submit",
        submitBody({ submission: Object.fromEntries(shown.map((e) => [e.name, values[e.name] ?? ""])) }),
        dialogSubmitResultSchema,
      );
      if (result.errors && Object.keys(result.errors).length > 0) setErrors(result.errors);
      else if (result.error) setError(result.error);
      else close();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={dialog.title} onClose={cancel}>
      <form className="stack-form" onSubmit={submit} noValidate>
        {dialog.introduction_text && <Markdown text={dialog.introduction_text} className="dialog-intro" />}
        {shown.map((element, index) => (
          <Field
            key={element.name}
            element={element}
            value={values[element.name] ?? ""}
            error={errors[element.name]}
            users={users}
            first={index === 0}
            onChange={(v) => setValues((prev) => ({ ...prev, [element.name]: v }))}
          />
        ))}
        <FormError message={error} />
        {Object.keys(errors).length > 0 && (
          <p className="visually-hidden" role="alert">
            Some fields need attention.
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={cancel}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {dialog.submit_label || "Submit"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Renders the open dialog, if any. */
export function DialogModal() {
  const { store } = useServices();
  const open = useStore(store, (s) => s.dialog);
  if (!open) return null;
  return <DialogForm key={open.dialog.callback_id} open={open} />;
}
