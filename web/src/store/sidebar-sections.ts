/**
 * @module store/sidebar-sections
 * Which sidebar sections a user collapsed (e.g. the Incident plugin's "Ended
 * incidents", to hide ended incidents' channels), kept per user in this
 * browser's `localStorage`.
 */

function storageKey(userId: string): string {
  return `sitrep.sidebar.collapsed.${userId}`;
}

/** The keys of the sections `userId` collapsed. */
export function collapsedSections(userId: string): Set<string> {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(storageKey(userId)) ?? "[]");
    return new Set(Array.isArray(stored) ? stored.filter((key): key is string => typeof key === "string") : []);
  } catch {
    return new Set();
  }
}

/** Keep whether `userId` collapsed the section `sectionKey`. */
export function collapsedSectionKeeper(props: { userId: string; sectionKey: string; collapsed: boolean }): void {
  const keys = collapsedSections(props.userId);
  if (props.collapsed) keys.add(props.sectionKey);
  else keys.delete(props.sectionKey);
  localStorage.setItem(storageKey(props.userId), JSON.stringify([...keys]));
}
