/**
 * Asks once whether the user wants desktop notifications for mentions and
 * direct messages: the browser's question must come from a click, so it is
 * this banner's button that asks it. Hidden once answered either way.
 */
import { useState } from "react";
import { notificationPermissionAsker, notificationsDeclined, notificationsUndecided } from "../notifications/desktop.ts";

export function NotificationBanner() {
  const [shown, setShown] = useState(notificationsUndecided);
  if (!shown) return null;
  return (
    <div className="notification-banner" role="region" aria-label="Desktop notifications">
      <p>Get a desktop notification when someone mentions you or sends you a direct message?</p>
      <div className="notification-banner-actions">
        <button
          type="button"
          className="button small primary"
          onClick={() => {
            setShown(false);
            void notificationPermissionAsker().catch(() => undefined);
          }}
        >
          Enable notifications
        </button>
        <button
          type="button"
          className="button small"
          onClick={() => {
            setShown(false);
            notificationsDeclined();
          }}
        >
          Not now
        </button>
      </div>
    </div>
  );
}
