/**
 * @module policies/file
 * Who may upload to a channel and read a file (DESIGN §9): uploading needs
 * what posting needs; a file is read by whoever may read its post's channel,
 * or before it is attached, its upload's channel. {@link accessFile} answers
 * one 404 for "missing", "its post deleted" and "not yours", so a private
 * channel's files are never confirmed. An archived channel's files stay
 * readable; nothing is uploaded to it.
 */
import type { Channel } from "#common/wire.ts";
import type { FileInfosTable } from "../db/schema.ts";
import { forbidden, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { getChannelOrArchived } from "../services/channels.ts";
import { getFileRow } from "../services/files.ts";
import { getPost } from "../services/posts.ts";
import { archivedChannelForbidden, canPostInChannel, canReadChannel, channelNotFound } from "./channel.ts";
import type { Actor } from "./team.ts";

/** The 404 of a file the caller may not read, or that does not exist (or whose post was deleted). */
export const fileNotFound = () => notFound("file", "file not found, or you do not have access to it");

/**
 * The channel if the user may post (and so upload) in it: a 404 that reveals
 * nothing if they cannot read it, a 403 if they only read it or it is
 * archived (readable still, but nothing is added to it).
 */
export async function accessChannelToPost(host: Host, props: { user: Actor; channelId: string }): Promise<Channel> {
  const channel = await getChannelOrArchived(host, props.channelId);
  if (!channel || !(await canReadChannel(host, props.user, channel))) throw channelNotFound();
  if (!(await canPostInChannel(host, props.user, channel))) throw forbidden("You must be a member of this channel to upload files to it.");
  if (channel.delete_at !== 0)
    throw archivedChannelForbidden("api.file.upload_file.archived_channel.app_error", "no files can be uploaded to it");
  return channel;
}

/** The live file's row if the user may read it (see the module comment), or a 404. */
export async function accessFile(host: Host, props: { user: Actor; fileId: string }): Promise<FileInfosTable> {
  const file = await getFileRow(host, props.fileId);
  if (!file) throw fileNotFound();
  let channelId = file.channel_id;
  if (file.post_id) {
    const post = await getPost(host, file.post_id);
    if (!post) throw fileNotFound();
    channelId = post.channel_id;
  }
  // An archived channel's files stay readable to who could read it, as its posts do.
  const channel = await getChannelOrArchived(host, channelId);
  if (!channel || !(await canReadChannel(host, props.user, channel))) throw fileNotFound();
  return file;
}
