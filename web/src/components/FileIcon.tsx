/**
 * Icons of the file UI, drawn inline (no emoji font or icon font needed):
 * a page with a folded corner in the colour of the file's kind with its
 * extension on it, and the attach button's paperclip. Both are decorative.
 */
import { FILE_KIND_LOOK, type FileKind } from "./file-display.ts";

export function FileIcon({ kind, extension }: { kind: FileKind; extension: string }) {
  const label = extension.slice(0, 4).toUpperCase();
  return (
    <svg className="file-icon" width="28" height="34" viewBox="0 0 28 34" aria-hidden="true" focusable="false">
      <path d="M2 1h17l8 8v23a1 1 0 0 1-1 1H2a1 1 0 0 1-1-1V2a1 1 0 0 1 1-1z" fill={FILE_KIND_LOOK[kind].color} />
      <path d="M19 1v7a1 1 0 0 0 1 1h7z" fill="#ffffff" fillOpacity="0.5" />
      {label && (
        <text x="14" y="27" textAnchor="middle" fontSize={label.length > 3 ? 6.5 : 8} fontWeight="700" fill="#ffffff">
          {label}
        </text>
      )}
    </svg>
  );
}

export function PaperclipIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
      />
    </svg>
  );
}
