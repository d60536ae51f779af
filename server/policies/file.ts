/**
 * @module policies/file
 * Who may upload to a channel and read a file (DESIGN §9): uploading needs
 * what posting needs; a file is read by whoever may read its post's channel,
 * or before it is attached, its upload's channel. {@link accessFile} answers
 * one 404 for "missing", "its post deleted" and "not yours", so a private
 * channel's files are never confirmed.
 */
import type { Channel } from "#common/wire.ts";
import type { FileInfosTable } from "../db/schema.ts";
import { forbidden, notFound } from "../errors.ts";
import type { Host } from "../host.ts";
import { getChannel } from "../services/channels.ts";
import { getFileRow } from "../services/files.ts";
import { getPost } from "../services/posts.ts";
import { canPostInChannel, canReadChannel, channelNotFound } from "./channel.ts";
import type { Actor } from "./team.ts";

/** The 404 of a file the caller may not read, or that does not exist (or whose post was deleted). */
export const fileNotFound = () => notFound("file", "file not found, or you do not have access to it");

/** The channel if the user may post (and so upload) in it: a 404 that reveals nothing if they cannot read it, a 403 if they only read it. */
export async function accessChannelToPost(host: Host, props: { user: Actor; channelId: string }): Promise<Channel> {
  const channel = await getChannel(host, props.channelId);
  if (!channel || !(await canReadChannel(host, props.user, channel))) throw channelNotFound();
  if (!(await canPostInChannel(host, props.user, channel))) throw forbidden("You must be a member of this channel to upload files to it.");
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
  const channel = await getChannel(host, channelId);
  if (!channel || !(await canReadChannel(host, props.user, channel))) throw fileNotFound();
  return file;
}
