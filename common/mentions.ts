/**
 * @module mentions
 * Who a message mentions, by Mattermost's rule, in one place: the host's post
 * path counts `mention_count` and sends `mentions` on `posted` with it, and
 * the Incident plugin asks it whether an assignee's or a paged person's
 * message reaches them. `@username` mentions that member, `@channel` and
 * `@all` every member, `@here` the members online; text in code (fenced or
 * inline) mentions nobody; the author is never mentioned; in a direct
 * message every message mentions the other member.
 *
 * @example
 * const scan = scanMentions("@alice and @here, see `@bob`"); // {usernames: ["alice"], everyone: false, here: true}
 */

/** What a message's `@` words ask for, before they are matched to members. */
export interface MentionScan {
  /** Lowercased candidate usernames, each also without trailing `.`, `-` or `_` (as "@alice." means alice). */
  usernames: string[];
  /** `@channel` or `@all`. */
  everyone: boolean;
  /** `@here`. */
  here: boolean;
}

/** The channel-wide words. */
const EVERYONE = new Set(["channel", "all"]);
const HERE = "here";

/** Fenced code blocks and inline code, where nothing is a mention. */
const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;
/** An `@` word not inside another word (so an email address mentions nobody). */
const AT_WORD = /(?:^|[^\p{L}\p{N}_.@-])@([a-z0-9][a-z0-9._-]*)/giu;

/** The `@` words of a message: candidate usernames and channel-wide mentions. */
export function scanMentions(message: string): MentionScan {
  const usernames = new Set<string>();
  let everyone = false;
  let here = false;
  if (!message.includes("@")) return { usernames: [], everyone, here };
  for (const match of message.replace(CODE, " ").matchAll(AT_WORD)) {
    const word = (match[1] ?? "").toLowerCase();
    const trimmed = word.replace(/[._-]+$/, "");
    for (const name of [word, trimmed]) {
      if (EVERYONE.has(name)) everyone = true;
      else if (name === HERE) here = true;
      else if (name) usernames.add(name);
    }
  }
  return { usernames: [...usernames], everyone, here };
}

/** True when a scan asks for nobody, so no lookup is needed. */
export function mentionsNobody(scan: MentionScan): boolean {
  return scan.usernames.length === 0 && !scan.everyone && !scan.here;
}

/**
 * The ids of the channel members a message mentions (never its author), in a
 * stable order: Mattermost's rule (see the module comment).
 */
export function mentionedUserIds(props: {
  scan: MentionScan;
  authorId: string;
  /** The channel's type: in a direct message (`D`) every message mentions the other member. */
  channelType: string;
  /** The channel's members. */
  memberIds: ReadonlySet<string>;
  /** The user id of each scanned username that is a person (any case of `scan.usernames`, lowercased). */
  idsByUsername: ReadonlyMap<string, string>;
  /** Whether a member is online, for `@here`. */
  isOnline(userId: string): boolean;
}): string[] {
  const mentioned = new Set<string>();
  if (props.channelType === "D") {
    for (const id of props.memberIds) mentioned.add(id);
  } else {
    for (const name of props.scan.usernames) {
      const id = props.idsByUsername.get(name);
      if (id !== undefined && props.memberIds.has(id)) mentioned.add(id);
    }
    if (props.scan.everyone || props.scan.here)
      for (const id of props.memberIds) if (props.scan.everyone || props.isOnline(id)) mentioned.add(id);
  }
  mentioned.delete(props.authorId);
  return [...mentioned].sort();
}
