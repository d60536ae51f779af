/**
 * The sidebar's "Direct messages": the user's direct and group messages,
 * latest first, with the other person's status, unread marks and mention
 * counts; "+" opens the user picker to write to one person (a direct
 * message) or several (a group message).
 */
import { useState } from "react";
import type { Team } from "#common/wire.ts";
import { paths } from "../router/router.ts";
import { directChannelOpener, directTeammateId } from "../store/direct-channels.ts";
import { useServices } from "../store/services.ts";
import { isUnread } from "../store/state.ts";
import { useStatuses } from "../store/statuses.ts";
import { useStore } from "../store/store.ts";
import { directChannelsOf, mentionCountOf } from "../store/unreads.ts";
import { ChannelIcon } from "./ChannelIcon.tsx";
import { Link } from "./Link.tsx";
import { MentionBadge } from "./MentionBadge.tsx";
import { StatusDot } from "./StatusDot.tsx";
import { UserPickerModal } from "./UserPickerModal.tsx";

/** Group messages have at most 8 members, the user included. */
const GROUP_OTHERS_MAX = 7;

export function DirectMessagesSection({
  team,
  currentChannelId,
  onNavigate,
}: {
  team: Team;
  currentChannelId: string | null;
  onNavigate(): void;
}) {
  const services = useServices();
  const channels = useStore(services.store, (s) => s.channels[team.id]);
  const members = useStore(services.store, (s) => s.members);
  const me = useStore(services.store, (s) => s.me);
  const [picking, setPicking] = useState(false);
  const direct = directChannelsOf(channels ?? []);
  const teammates = new Map(direct.map((c) => [c.id, me ? directTeammateId(c, me.id) : null]));
  useStatuses(
    services,
    [...teammates.values()].filter((id): id is string => id !== null),
  );

  return (
    <>
      <section className="channel-section" aria-labelledby="section-direct-messages">
        <div className="section-heading">
          <h2 id="section-direct-messages">Direct messages</h2>
          <button
            type="button"
            className="icon-button section-add"
            aria-label="Write a direct message"
            title="Write a direct message"
            onClick={() => setPicking(true)}
          >
            <span aria-hidden="true">+</span>
          </button>
        </div>
        {direct.length === 0 ? (
          <p className="sidebar-empty small">Nobody yet: “+” to write to someone.</p>
        ) : (
          <ul>
            {direct.map((channel) => {
              const member = members[channel.id];
              const unread = channel.id !== currentChannelId && isUnread(channel, member);
              const mentions = channel.id !== currentChannelId ? mentionCountOf(member) : 0;
              const teammateId = teammates.get(channel.id);
              return (
                <li key={channel.id}>
                  <Link
                    to={paths.channel(team.name, channel.name)}
                    className={`channel-link${unread ? " unread" : ""}`}
                    aria-current={channel.id === currentChannelId ? "page" : undefined}
                    onClick={onNavigate}
                  >
                    {teammateId ? <StatusDot userId={teammateId} /> : <ChannelIcon type={channel.type} />}
                    <span className="channel-name">{channel.display_name}</span>
                    {unread && mentions === 0 && <span className="visually-hidden"> (unread)</span>}
                    <MentionBadge count={mentions} />
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {/* Outside the section, whose heading styles would reach the modal's title. */}
      {picking && me && (
        <UserPickerModal
          title="Direct messages"
          submitLabel="Go"
          max={GROUP_OTHERS_MAX}
          excludeIds={[me.id]}
          help="One person for a direct message, several for a group message. Arrows to move, Enter to pick, Enter again to go."
          onClose={() => setPicking(false)}
          onSubmit={async (users) => {
            const channel = await directChannelOpener(services, { userIds: users.map((u) => u.id) });
            setPicking(false);
            onNavigate();
            services.router.navigate(paths.channel(team.name, channel.name));
          }}
        />
      )}
    </>
  );
}
