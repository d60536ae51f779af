/**
 * @module notifications/desktop
 * Browser notifications (the Notification API) for a mention or a direct
 * message that arrives while the tab is hidden; clicking one brings the tab
 * forward on the channel. Permission is asked once, from the user's click on
 * the banner of components/NotificationBanner.tsx (browsers refuse a request
 * that no gesture started).
 */
import type { Channel, Post, User } from "#common/wire.ts";
import { paths } from "../router/router.ts";
import type { Services } from "../store/services.ts";

/** Set once the user answered the banner (either way), so it is not shown again. */
export const ASKED_KEY = "sitrep.notifications.asked";
/** How much of the message a notification shows. */
export const NOTIFICATION_BODY_MAX = 120;

/** What to show for a post, and where clicking it leads. */
export interface DesktopNotification {
  title: string;
  body: string;
  path: string;
  /** One notification per post, even if two tabs show it. */
  tag: string;
}

/**
 * The notification a post deserves, or null: only while the tab is hidden,
 * never for the user's own post, and only when it mentions them or is in a
 * direct or group message.
 */
export function notificationFor(props: {
  post: Post;
  channel: Channel;
  mentions: readonly string[];
  me: Pick<User, "id">;
  senderName: string;
  teamName: string;
  hidden: boolean;
}): DesktopNotification | null {
  const { post, channel } = props;
  if (!props.hidden || post.user_id === props.me.id || post.type.startsWith("system_")) return null;
  const direct = channel.type === "D" || channel.type === "G";
  if (!direct && !props.mentions.includes(props.me.id)) return null;
  const text = post.message.replace(/\s+/g, " ").trim() || "sent a message";
  const body = `${props.senderName}: ${text}`;
  return {
    title: channel.type === "D" ? props.senderName : channel.display_name,
    body: body.length > NOTIFICATION_BODY_MAX ? `${body.slice(0, NOTIFICATION_BODY_MAX - 1)}…` : body,
    path: paths.channel(props.teamName, channel.name),
    tag: post.id,
  };
}

/** The browser offers notifications and the user has not decided yet (the banner's question). */
export function notificationsUndecided(): boolean {
  return typeof Notification !== "undefined" && Notification.permission === "default" && localStorage.getItem(ASKED_KEY) === null;
}

/** Ask for permission (from a click) and remember that the question was asked. */
export async function notificationPermissionAsker(): Promise<NotificationPermission> {
  localStorage.setItem(ASKED_KEY, "yes");
  if (typeof Notification === "undefined") return "denied";
  return Notification.requestPermission();
}

/** The user dismissed the banner without deciding: do not ask again. */
export function notificationsDeclined(): void {
  localStorage.setItem(ASKED_KEY, "no");
}

/** Show a notification when the user allowed them; clicking it focuses the tab on the channel. */
export function notificationShower(services: Pick<Services, "router">, notification: DesktopNotification): void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const shown = new Notification(notification.title, { body: notification.body, tag: notification.tag });
  shown.onclick = () => {
    window.focus();
    services.router.navigate(notification.path);
    shown.close();
  };
}
