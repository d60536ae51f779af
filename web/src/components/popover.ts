/**
 * @module components/popover
 * Placing a small popover (a post's menu, the emoji picker) next to what
 * opened it: fixed to the window, so a scrolling list never clips it; below
 * its anchor, or above when there is no room below; its right edge on the
 * anchor's. It follows the anchor while lists scroll, and a press outside
 * closes it.
 */
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type RefObject } from "react";

const GAP = 4;
const MARGIN = 8;

/**
 * The popover's fixed position next to `anchor`: transparent until measured
 * (not hidden, so what it holds can take the focus as it opens).
 */
export function useAnchoredPosition(anchor: RefObject<HTMLElement | null>, popover: RefObject<HTMLElement | null>): CSSProperties {
  const [style, setStyle] = useState<CSSProperties>({ position: "fixed", top: 0, left: 0, opacity: 0 });
  useLayoutEffect(() => {
    const place = () => {
      const a = anchor.current?.getBoundingClientRect();
      const p = popover.current;
      if (!a || !p) return;
      const height = p.offsetHeight;
      const width = p.offsetWidth;
      const below = a.bottom + GAP;
      const above = a.top - GAP - height;
      const top = below + height > window.innerHeight - MARGIN && above > MARGIN ? above : below;
      const left = Math.min(Math.max(MARGIN, a.right - width), Math.max(MARGIN, window.innerWidth - width - MARGIN));
      setStyle((s) => (s.top === top && s.left === left && s.opacity === 1 ? s : { position: "fixed", top, left, opacity: 1 }));
    };
    place();
    window.addEventListener("scroll", place, true);
    window.addEventListener("resize", place);
    return () => {
      window.removeEventListener("scroll", place, true);
      window.removeEventListener("resize", place);
    };
  }, [anchor, popover]);
  return style;
}

/** Calls `onOutside` when the pointer goes down outside every one of `refs`. */
export function usePressOutside(refs: ReadonlyArray<RefObject<HTMLElement | null>>, onOutside: () => void): void {
  const callback = useRef(onOutside);
  callback.current = onOutside;
  const latestRefs = useRef(refs);
  latestRefs.current = refs;
  useEffect(() => {
    const onDown = (event: PointerEvent) => {
      const target = event.target;
      if (!(target instanceof Node)) return;
      if (latestRefs.current.some((ref) => ref.current?.contains(target))) return;
      callback.current();
    };
    document.addEventListener("pointerdown", onDown, true);
    return () => document.removeEventListener("pointerdown", onDown, true);
  }, []);
}
