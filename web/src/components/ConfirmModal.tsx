/** "Are you sure?" for an action that cannot be taken back with a click (archive, make private, leave). */
import { type ReactNode } from "react";
import { FormError } from "./FormError.tsx";
import { useFormSubmit } from "./form-submit.ts";
import { Modal } from "./Modal.tsx";

export function ConfirmModal(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** The action; a rejection's message is shown and the modal stays open. */
  onConfirm(): Promise<void>;
  onClose(): void;
}) {
  const { submit, busy, error } = useFormSubmit(props.onConfirm);
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <form className="stack-form" onSubmit={submit}>
        <div className="confirm-text">{props.children}</div>
        <FormError message={error} />
        <div className="form-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className={`button ${props.danger ? "danger" : "primary"}`} disabled={busy} data-autofocus>
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
