/**
 * @module components/icons
 * Small line icons drawn in the current text colour. SVG rather than emoji:
 * emoji depend on the reader's fonts (a server or kiosk may have none).
 */
import type { ReactNode } from "react";

export type IconName = "siren" | "flag" | "stages" | "user" | "check" | "box" | "plus" | "minus" | "mail" | "megaphone";

const PATHS: Record<IconName, ReactNode> = {
  siren: (
    <>
      <path d="M7 18v-6a5 5 0 0 1 10 0v6" />
      <path d="M5 21h14v-3H5z" />
      <path d="M12 2v2M4.2 5.2l1.4 1.4M19.8 5.2l-1.4 1.4M2 12h2M20 12h2" />
    </>
  ),
  flag: (
    <>
      <path d="M4 22V4" />
      <path d="M4 4h12l-2 4 2 4H4" />
    </>
  ),
  stages: <path d="M4 12h13M13 6l6 6-6 6" />,
  user: (
    <>
      <circle cx="12" cy="8" r="4" />
      <path d="M4 21a8 8 0 0 1 16 0" />
    </>
  ),
  check: (
    <>
      <rect x="3" y="3" width="18" height="18" rx="3" />
      <path d="M7 12l3 3 7-7" />
    </>
  ),
  box: <rect x="3" y="3" width="18" height="18" rx="3" />,
  plus: <path d="M12 5v14M5 12h14" />,
  minus: <path d="M5 12h14" />,
  mail: (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="M3 7l9 6 9-6" />
    </>
  ),
  megaphone: (
    <>
      <path d="M3 10v4h4l8 5V5L7 10H3z" />
      <path d="M18 9a4 4 0 0 1 0 6" />
    </>
  ),
};

/** A decorative icon (hidden from screen readers: the text next to it says what it means). */
export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name]}
    </svg>
  );
}
