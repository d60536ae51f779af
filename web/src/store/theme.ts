/**
 * @module store/theme
 * The colour theme: the system's (`prefers-color-scheme`) until the user
 * picks one with the toggle; the pick is kept in this browser
 * (`localStorage`) and set as `data-theme` on `<html>`, which styles.css reads.
 */
import { useSyncExternalStore } from "react";

/** A theme the user picked, or "system" to follow the system setting. */
export type ThemeChoice = "light" | "dark" | "system";

const STORAGE_KEY = "sitrep.theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";
const listeners = new Set<() => void>();

/** The theme picked in this browser ("system" when none was). */
export function storedTheme(): ThemeChoice {
  const value = localStorage.getItem(STORAGE_KEY);
  return value === "light" || value === "dark" ? value : "system";
}

/** The theme shown now: the pick, or the system's. */
export function shownTheme(): "light" | "dark" {
  const choice = storedTheme();
  if (choice !== "system") return choice;
  return window.matchMedia(DARK_QUERY).matches ? "dark" : "light";
}

/** Show `choice` and keep it for the next visits. */
export function themeApplier(choice: ThemeChoice): void {
  if (choice === "system") {
    localStorage.removeItem(STORAGE_KEY);
    delete document.documentElement.dataset.theme;
  } else {
    localStorage.setItem(STORAGE_KEY, choice);
    document.documentElement.dataset.theme = choice;
  }
  for (const listener of [...listeners]) listener();
}

/** Switch to the other theme than the one shown. */
export function themeToggler(): void {
  themeApplier(shownTheme() === "dark" ? "light" : "dark");
}

/** Apply the stored pick at start-up, and follow the system setting while none is stored. */
export function themeStarter(): void {
  const choice = storedTheme();
  if (choice !== "system") document.documentElement.dataset.theme = choice;
  window.matchMedia(DARK_QUERY).addEventListener("change", () => {
    for (const listener of [...listeners]) listener();
  });
}

/** The theme shown; re-renders when it changes. */
export function useShownTheme(): "light" | "dark" {
  return useSyncExternalStore((listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, shownTheme);
}
