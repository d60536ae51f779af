/** "Create a channel": public or private; the server's errors are shown inline. */
import { useState } from "react";
import { LIMITS, slugify } from "#common/limits.ts";
import { paths } from "../router/router.ts";
import { channelCreator } from "../store/channels.ts";
import { useServices } from "../store/services.ts";
import { FormError } from "./FormError.tsx";
import { useFormSubmit } from "./form-submit.ts";
import { Modal } from "./Modal.tsx";

export function CreateChannelModal({ teamId, teamName, onClose }: { teamId: string; teamName: string; onClose(): void }) {
  const services = useServices();
  const [displayName, setDisplayName] = useState("");
  const [name, setName] = useState("");
  const [nameEdited, setNameEdited] = useState(false);
  const [type, setType] = useState<"O" | "P">("O");
  const [purpose, setPurpose] = useState("");
  const { submit, busy, error } = useFormSubmit(async () => {
    const channel = await channelCreator(services, {
      teamId,
      name: name.trim(),
      displayName: displayName.trim(),
      type,
      purpose: purpose.trim(),
    });
    onClose();
    services.router.navigate(paths.channel(teamName, channel.name));
  });

  return (
    <Modal title="Create a channel" onClose={onClose}>
      <form className="stack-form" onSubmit={submit}>
        <label htmlFor="channel-display-name">Name</label>
        <input
          id="channel-display-name"
          required
          autoFocus
          maxLength={LIMITS.displayNameMax}
          value={displayName}
          onChange={(e) => {
            setDisplayName(e.target.value);
            if (!nameEdited) setName(e.target.value.trim() ? slugify(e.target.value) : "");
          }}
        />
        <label htmlFor="channel-url-name">URL name</label>
        <input
          id="channel-url-name"
          required
          aria-describedby="channel-url-help"
          value={name}
          onChange={(e) => {
            setNameEdited(true);
            setName(e.target.value);
          }}
        />
        <p className="help" id="channel-url-help">
          /{teamName}/channels/{name || "…"}
        </p>
        <fieldset>
          <legend>Who can see it</legend>
          <label className="checkbox">
            <input type="radio" name="channel-type" value="O" checked={type === "O"} onChange={() => setType("O")} /> Public: anyone on the
            team can find and join it
          </label>
          <label className="checkbox">
            <input type="radio" name="channel-type" value="P" checked={type === "P"} onChange={() => setType("P")} /> Private: only invited
            members
          </label>
        </fieldset>
        <label htmlFor="channel-purpose">Purpose (optional)</label>
        <input id="channel-purpose" maxLength={250} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
        <FormError message={error} />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            Create channel
          </button>
        </div>
      </form>
    </Modal>
  );
}
