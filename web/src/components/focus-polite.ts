/**
 * @module components/focus-polite
 * Moving the focus on the app's own initiative (the composer on load and on
 * a channel switch) without taking it from the user: not while a dialog is
 * open, and not from a field they are typing in.
 */

const DIALOG = "dialog[open], [role='dialog'], [role='alertdialog']";

/** True when the focus is in a field the user types in (a text box, a select, an editable region). */
function typingIn(element: Element | null): boolean {
  if (!(element instanceof HTMLElement)) return false;
  if (element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) return true;
  if (element instanceof HTMLInputElement)
    return !["button", "checkbox", "radio", "submit", "reset", "image", "file", "range", "color"].includes(element.type);
  return element.isContentEditable;
}

/** Focus `element` unless a dialog is open or the user is typing in another field. */
export function politeFocuser(element: HTMLElement | null): void {
  if (!element || element === document.activeElement) return;
  if (document.querySelector(DIALOG) || typingIn(document.activeElement)) return;
  element.focus();
}
