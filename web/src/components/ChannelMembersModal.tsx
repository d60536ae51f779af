/**
 * A channel's members with their status, kept live (`user_added`,
 * `user_removed`): remove one (members and system admins may, except in
 * Town Square and direct or group messages), and add people of the team
 * through the user picker.
 */
import { useEffect, useState } from "react";
import type { Channel, User } from "#common/wire.ts";
import { errorMessage } from "../api/client.ts";
import { channelMemberRemover, channelMembersAdder, channelMembersLoader } from "../store/channel-management.ts";
import { useServices } from "../store/services.ts";
import { useStatuses } from "../store/statuses.ts";
import { useStore } from "../store/store.ts";
import { displayName } from "../store/users.ts";
import { FormError } from "./FormError.tsx";
import { Modal } from "./Modal.tsx";
import { StatusDot } from "./StatusDot.tsx";
import { UserPickerModal } from "./UserPickerModal.tsx";

export function ChannelMembersModal({
  channel,
  canManage,
  removable,
  startAdding = false,
  onClose,
}: {
  channel: Channel;
  /** The user may add and remove members. */
  canManage: boolean;
  /** Members can be removed from this channel at all (not Town Square, not a direct or group message). */
  removable: boolean;
  /** Open on the picker of people to add. */
  startAdding?: boolean;
  onClose(): void;
}) {
  const services = useServices();
  const ids = useStore(services.store, (s) => s.channelMemberIds[channel.id]);
  const users = useStore(services.store, (s) => s.users);
  const meId = useStore(services.store, (s) => s.me?.id);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(startAdding && canManage && removable);

  useEffect(() => {
    channelMembersLoader(services, channel.id).catch((e: unknown) => setError(errorMessage(e)));
    return () =>
      services.store.update((s) => {
        const rest = { ...s.channelMemberIds };
        delete rest[channel.id];
        return { ...s, channelMemberIds: rest };
      });
  }, [services, channel.id]);
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
    <>
      <Modal title={`Members of ${channel.display_name}`} onClose={onClose} className="wide">
        {canManage && removable && (
          <div className="modal-toolbar">
            <button type="button" className="button primary" onClick={() => setAdding(true)}>
              Add members
            </button>
          </div>
        )}
        <FormError message={error} />
        {ids === undefined ? (
          <p>Loading…</p>
        ) : (
          <ul className="member-list" aria-label={`${members.length} ${members.length === 1 ? "member" : "members"}`}>
            {members.map((user) => (
              <li key={user.id}>
                <StatusDot userId={user.id} />
                <span className="member-name">
                  <strong>{displayName(user)}</strong> <span className="muted">@{user.username}</span>
                  {user.id === meId && <span className="muted"> (you)</span>}
                </span>
                {canManage && removable && user.id !== meId && (
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
      </Modal>
      {adding && (
        <UserPickerModal
          title={`Add people to ${channel.display_name}`}
          submitLabel="Add"
          teamId={channel.team_id}
          excludeIds={ids ?? []}
          onClose={() => setAdding(false)}
          onSubmit={async (picked) => {
            await channelMembersAdder(services, { channelId: channel.id, userIds: picked.map((u) => u.id) });
            setAdding(false);
          }}
        />
      )}
    </>
  );
}
