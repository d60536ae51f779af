/**
 * A channel's members with their status, kept live (`user_added`,
 * `user_removed`): remove one (members and system admins may, except in
 * Town Square and direct or group messages), and add people of the team
 * through the user picker. The list shows in a dialog (the channel menu)
 * and in the right-hand sidebar (the header's member count).
 */
import { useState } from "react";
import { isSystemAdmin, type Channel, type User } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import { channelMemberRemover, channelMembersAdder, useChannelMemberIds } from "../store/channel-management.ts";
import { useServices } from "../store/services.ts";
import { useStatuses } from "../store/statuses.ts";
import { useStore } from "../store/store.ts";
import { DEFAULT_CHANNEL } from "../store/teams.ts";
import { displayName } from "../store/users.ts";
import { FormError } from "./FormError.tsx";
import { Modal } from "./Modal.tsx";
import { StatusDot } from "./StatusDot.tsx";
import { UserPickerModal } from "./UserPickerModal.tsx";

/** Who may change the members: members and system admins, of a team channel other than Town Square. */
function useMayManageMembers(channel: Channel): boolean {
  const { store } = useServices();
  const mayManage = useStore(store, (s) => s.members[channel.id] !== undefined || (!!s.me && isSystemAdmin(s.me)));
  return mayManage && (channel.type === "O" || channel.type === "P") && channel.name !== DEFAULT_CHANNEL;
}

/** The members, sorted by name, each with a status dot (and Remove for who may); "Add members" calls `onAdd`. */
export function ChannelMemberList({ channel, onAdd }: { channel: Channel; onAdd(): void }) {
  const services = useServices();
  const [error, setError] = useState<string | null>(null);
  const ids = useChannelMemberIds(services, channel.id, (e) => setError(errorMessage(e)));
  const users = useStore(services.store, (s) => s.users);
  const meId = useStore(services.store, (s) => s.me?.id);
  const manage = useMayManageMembers(channel);
  useStatuses(services, ids ?? []);

  const members = (ids ?? [])
    .map((id) => users[id])
    .filter((u): u is User => u !== undefined)
    .sort((a, b) => displayName(a).localeCompare(displayName(b)));

  const remove = async (user: User) => {
    setError(null);
    try {
      await channelMemberRemover(services, { channelId: channel.id, userId: user.id });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="channel-members">
      {manage && (
        <div className="modal-toolbar">
          <button type="button" className="button primary" onClick={onAdd}>
            Add members
          </button>
        </div>
      )}
      <FormError message={error} />
      {ids === undefined ? (
        <p>Loading…</p>
      ) : (
        <ul className="member-list" aria-label={`${ids.length} ${ids.length === 1 ? "member" : "members"}`}>
          {members.map((user) => (
            <li key={user.id}>
              <StatusDot userId={user.id} />
              <span className="member-name">
                <strong>{displayName(user)}</strong> <span className="muted">@{user.username}</span>
                {user.id === meId && <span className="muted"> (you)</span>}
              </span>
              {manage && user.id !== meId && (
                <button
                  type="button"
                  className="button small danger"
                  aria-label={`Remove ${user.username} from ${channel.display_name}`}
                  onClick={() => void remove(user)}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The user picker that adds the people picked to the channel. */
export function AddChannelMembersModal({ channel, onClose }: { channel: Channel; onClose(): void }) {
  const services = useServices();
  const ids = useChannelMemberIds(services, channel.id);
  return (
    <UserPickerModal
      title={`Add people to ${channel.display_name}`}
      submitLabel="Add"
      teamId={channel.team_id}
      excludeIds={ids ?? []}
      onClose={onClose}
      onSubmit={async (picked) => {
        await channelMembersAdder(services, { channelId: channel.id, userIds: picked.map((u) => u.id) });
        onClose();
      }}
    />
  );
}

/** The member list in a dialog; `startAdding` opens it on the picker of people to add. */
export function ChannelMembersModal({
  channel,
  startAdding = false,
  onClose,
}: {
  channel: Channel;
  startAdding?: boolean;
  onClose(): void;
}) {
  const manage = useMayManageMembers(channel);
  const [adding, setAdding] = useState(startAdding && manage);
  return (
    <>
      <Modal title={`Members of ${channel.display_name}`} onClose={onClose} className="wide">
        <ChannelMemberList channel={channel} onAdd={() => setAdding(true)} />
      </Modal>
      {adding && <AddChannelMembersModal channel={channel} onClose={() => setAdding(false)} />}
    </>
  );
}

/** The member list in the right-hand sidebar, for the channel in view. */
export function ChannelMembersPanel({ channel }: { channel: Channel }) {
  const [adding, setAdding] = useState(false);
  return (
    <>
      <ChannelMemberList channel={channel} onAdd={() => setAdding(true)} />
      {adding && <AddChannelMembersModal channel={channel} onClose={() => setAdding(false)} />}
    </>
  );
}
