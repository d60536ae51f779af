/** "Edit channel": its display name, purpose and header; saved for every member at once (`channel_updated`). */
import { useState } from "react";
import type { Channel } from "#common/wire.ts";
import { LIMITS } from "#common/limits.ts";
import { channelPatcher } from "../store/channel-management.ts";
import { useServices } from "../store/services.ts";
import { FormError } from "./FormError.tsx";
import { useFormSubmit } from "./form-submit.ts";
import { Modal } from "./Modal.tsx";

/** Mattermost's limits of a channel's purpose and header. */
const PURPOSE_MAX = 250;
const HEADER_MAX = 1024;

export function ChannelEditModal({ channel, onClose }: { channel: Channel; onClose(): void }) {
  const services = useServices();
  const named = channel.type === "O" || channel.type === "P";
  const [displayName, setDisplayName] = useState(channel.display_name);
  const [purpose, setPurpose] = useState(channel.purpose);
  const [header, setHeader] = useState(channel.header);
  const { submit, busy, error } = useFormSubmit(async () => {
    await channelPatcher(services, {
      channelId: channel.id,
      patch: named ? { display_name: displayName.trim(), purpose, header } : { purpose, header },
    });
    onClose();
  });

  return (
    <Modal title={`Edit ${channel.display_name}`} onClose={onClose}>
      <form className="stack-form" onSubmit={submit}>
        {named && (
          <>
            <label htmlFor="channel-edit-name">Name</label>
            <input
              id="channel-edit-name"
              required
              data-autofocus
              maxLength={LIMITS.displayNameMax}
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          </>
        )}
        <label htmlFor="channel-edit-purpose">Purpose</label>
        <input id="channel-edit-purpose" maxLength={PURPOSE_MAX} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
        <label htmlFor="channel-edit-header">Header</label>
        <textarea
          id="channel-edit-header"
          rows={3}
          maxLength={HEADER_MAX}
          value={header}
          aria-describedby="channel-edit-header-help"
          onChange={(e) => setHeader(e.target.value)}
        />
        <p className="help" id="channel-edit-header-help">
          Shown under the channel name; markdown works.
        </p>
        <FormError message={error} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
