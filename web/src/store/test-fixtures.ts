/**
 * @module store/test-fixtures
 * Wire objects for the store's unit tests: a channel and a membership with
 * the server's defaults, changed by what a test names.
 */
import type { Channel, ChannelMember } from "#common/wire.ts";

/** A public channel named after its id, with no posts. */
export function testChannel(props: Partial<Channel> & { id: string; team_id: string }): Channel {
  return {
    name: props.id,
    display_name: props.id,
    type: "O",
    header: "",
    purpose: "",
    creator_id: "",
    create_at: 1,
    update_at: 1,
    delete_at: 0,
    last_post_at: 1,
    total_msg_count: 0,
    ...props,
  };
}

/** The user "me"'s membership of a channel, nothing read. */
export function testMember(channelId: string, props: Partial<ChannelMember> = {}): ChannelMember {
  return {
    channel_id: channelId,
    user_id: "me",
    roles: "channel_user",
    last_viewed_at: 0,
    msg_count: 0,
    mention_count: 0,
    msg_count_root: 0,
    mention_count_root: 0,
    urgent_mention_count: 0,
    notify_props: {},
    last_update_at: 0,
    scheme_user: true,
    scheme_admin: false,
    scheme_guest: false,
    ...props,
  };
}
