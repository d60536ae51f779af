/**
 * A sidebar channel's "⋯" menu (Mattermost's channel options): Leave, where
 * the user may leave it (not Town Square, as in Mattermost). Reached by Tab
 * after the channel's link; it shows on hover and on focus.
 */
import { useState } from "react";
import { isSystemAdmin, type Channel } from "#common/wire.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { channelMenuItems } from "./ChannelMenu.tsx";
import { LeaveChannelModal } from "./LeaveChannelModal.tsx";
import { PostMenu, type PostMenuItem } from "./PostMenu.tsx";

export function ChannelItemMenu({ channel }: { channel: Channel }) {
  const { store } = useServices();
  const isAdmin = useStore(store, (s) => !!s.me && isSystemAdmin(s.me));
  const [leaving, setLeaving] = useState(false);
  const [open, setOpen] = useState(false);
  // The sidebar lists the user's own channels: they are a member of each.
  const canLeave = channelMenuItems({ channel, isMember: true, isAdmin }).some((item) => item.dialog === "leave");
  if (!canLeave) return null;
  const items: PostMenuItem[] = [{ key: "leave", label: "Leave channel", danger: true, onSelect: () => setLeaving(true) }];
  return (
    <>
      <PostMenu
        label={`Channel options for ${channel.display_name}`}
        items={items}
        className={`channel-item-menu${open ? " open" : ""}`}
        onOpenChange={setOpen}
      />
      {leaving && <LeaveChannelModal channel={channel} onClose={() => setLeaving(false)} />}
    </>
  );
}
