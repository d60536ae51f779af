/**
 * "Leave this channel?", from the channel header's menu and a sidebar
 * item's menu: on yes the user leaves it, it leaves the sidebar (in every
 * tab of theirs, by the server's `user_removed`), and when it was in view
 * they land in Town Square with a note.
 */
import type { Channel } from "#common/wire.ts";
import { channelMemberRemover } from "../store/channel-management.ts";
import { channelDropper } from "../store/channels.ts";
import { useServices } from "../store/services.ts";
import { useStore } from "../store/store.ts";
import { ConfirmModal } from "./ConfirmModal.tsx";

export function LeaveChannelModal({ channel, onClose }: { channel: Channel; onClose(): void }) {
  const services = useServices();
  const me = useStore(services.store, (s) => s.me);
  if (!me) return null;
  const name = channel.display_name;
  return (
    <ConfirmModal
      title={`Leave ${name}?`}
      confirmLabel="Leave"
      danger
      onClose={onClose}
      onConfirm={async () => {
        await channelMemberRemover(services, { channelId: channel.id, userId: me.id });
        onClose();
        channelDropper(services, { channelId: channel.id, dropPosts: true, notice: (n) => `You left ${n}.` });
      }}
    >
      <p>{channel.type === "P" ? "You will need to be added again to come back." : "You can join it again from Browse channels."}</p>
    </ConfirmModal>
  );
}
