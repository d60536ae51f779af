/**
 * An in-app link: a real `<a href>` (so it can be opened in a new tab) that
 * navigates without a reload on a plain click.
 */
import type { AnchorHTMLAttributes, MouseEvent } from "react";
import { useServices } from "../store/services.ts";

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { router } = useServices();
  const { to, onClick, ...rest } = props;
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    router.navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}
