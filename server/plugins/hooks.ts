/**
 * @module plugins/hooks
 * Plugin hooks. Each hook runs within a time budget; one that throws or never
 * settles is logged and skipped, so it can neither block nor fail a post.
 *
 * A `messageWillBePosted` hook holds up the post it is given, so one that
 * hangs would add its whole budget to every post. After a plugin's hook runs
 * out of time twice in a row, that hook is skipped for a
 * cool-down (posts go through unchanged, at once), which the log says and
 * the plugin list shows (`before_post_hook_skipped_until`). After the
 * cool-down the hook runs again; one more timeout starts the next cool-down,
 * a run in time clears its record.
 */
import type { Disposable, WillBePostedResult } from "#plugin-api";
import type { Post, Team } from "#common/wire.ts";
import { TIMED_OUT, withTimeout } from "#common/with-timeout.ts";

type WillBePostedHook = (post: Post) => WillBePostedResult | Promise<WillBePostedResult>;
type PostedHook = (post: Post) => void | Promise<void>;
type MemberAddedHook = (event: { channelId: string; userId: string }) => void | Promise<void>;
type MemberRemovedHook = (event: { channelId: string; userId: string; removerId: string }) => void | Promise<void>;
type TeamCreatedHook = (team: Team) => void | Promise<void>;

interface Entry<F> {
  pluginId: string;
  fn: F;
}

export interface HookLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** Timeouts in a row after which a plugin's `messageWillBePosted` hooks are skipped for a cool-down. */
export const BEFORE_POST_TIMEOUTS_BEFORE_COOLDOWN = 2;

/** A `messageWillBePosted` hook with its record of timeouts. */
interface WillBePostedEntry extends Entry<WillBePostedHook> {
  /** Timeouts in a row, since its last run in time. */
  strikes: number;
  /** Skipped until this time (ms since the epoch); 0 when not. */
  skippedUntil: number;
}

export class HookRegistry {
  private readonly willBePosted: WillBePostedEntry[] = [];
  private readonly posted: Array<Entry<PostedHook>> = [];
  private readonly updated: Array<Entry<PostedHook>> = [];
  private readonly deleted: Array<Entry<PostedHook>> = [];
  private readonly memberAdded: Array<Entry<MemberAddedHook>> = [];
  private readonly memberRemoved: Array<Entry<MemberRemovedHook>> = [];
  private readonly teamCreated: Array<Entry<TeamCreatedHook>> = [];
  /** Hooks still running, so tests and shutdown can wait for them. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly props: {
      timeoutMs: number;
      log: HookLogger;
      /** How long a plugin's before-post hooks are skipped after timing out twice in a row. */
      cooldownMs: number;
      /** The host's clock, which times the cool-down. */
      now: () => number;
    },
  ) {}

  /**
   * Until when a `messageWillBePosted` hook of this plugin is skipped (ms
   * since the epoch; the latest, if several are), or 0. A disabled plugin's
   * hooks, and their record, are gone with it.
   */
  beforePostSkippedUntil(pluginId: string): number {
    const now = this.props.now();
    let until = 0;
    for (const entry of this.willBePosted)
      if (entry.pluginId === pluginId && entry.skippedUntil > now) until = Math.max(until, entry.skippedUntil);
    return until;
  }

  /** A before-post hook ran out of time: count it, and start a cool-down at the second in a row. */
  private beforePostTimedOut(entry: WillBePostedEntry): void {
    entry.strikes += 1;
    if (entry.strikes < BEFORE_POST_TIMEOUTS_BEFORE_COOLDOWN) {
      this.props.log.warn("messageWillBePosted hook timed out; post goes through unchanged", { plugin_id: entry.pluginId });
      return;
    }
    entry.skippedUntil = this.props.now() + this.props.cooldownMs;
    this.props.log.warn(
      `messageWillBePosted hook timed out ${entry.strikes} times in a row; it is skipped for ${Math.round(this.props.cooldownMs / 1000)} s, posts go through unchanged`,
      { plugin_id: entry.pluginId, skipped_until: new Date(entry.skippedUntil).toISOString() },
    );
  }

  private add<E>(list: E[], entry: E): Disposable {
    list.push(entry);
    return {
      dispose: () => {
        const index = list.indexOf(entry);
        if (index >= 0) list.splice(index, 1);
      },
    };
  }

  registerWillBePosted(pluginId: string, fn: WillBePostedHook): Disposable {
    return this.add(this.willBePosted, { pluginId, fn, strikes: 0, skippedUntil: 0 });
  }
  registerPosted(pluginId: string, fn: PostedHook): Disposable {
    return this.add(this.posted, { pluginId, fn });
  }
  registerUpdated(pluginId: string, fn: PostedHook): Disposable {
    return this.add(this.updated, { pluginId, fn });
  }
  registerDeleted(pluginId: string, fn: PostedHook): Disposable {
    return this.add(this.deleted, { pluginId, fn });
  }
  registerMemberAdded(pluginId: string, fn: MemberAddedHook): Disposable {
    return this.add(this.memberAdded, { pluginId, fn });
  }
  registerMemberRemoved(pluginId: string, fn: MemberRemovedHook): Disposable {
    return this.add(this.memberRemoved, { pluginId, fn });
  }
  registerTeamCreated(pluginId: string, fn: TeamCreatedHook): Disposable {
    return this.add(this.teamCreated, { pluginId, fn });
  }

  get hasPostedHooks(): boolean {
    return this.posted.length > 0;
  }

  /**
   * Run `messageWillBePosted` hooks in order. Returns the (maybe changed) post,
   * or the rejection of the first hook that rejects it.
   */
  async runWillBePosted(post: Post): Promise<{ post: Post } | { error: { message: string; pluginId: string } }> {
    let current = post;
    for (const entry of [...this.willBePosted]) {
      if (entry.skippedUntil > this.props.now()) continue;
      try {
        const result = await withTimeout(
          Promise.resolve().then(() => entry.fn(current)),
          this.props.timeoutMs,
        );
        if (result === TIMED_OUT) {
          this.beforePostTimedOut(entry);
          continue;
        }
        entry.strikes = 0;
        if (result && "error" in result) return { error: { message: result.error.message, pluginId: entry.pluginId } };
        if (result && "post" in result)
          current = { ...result.post, id: post.id, channel_id: post.channel_id, user_id: post.user_id, create_at: post.create_at };
      } catch (error) {
        this.props.log.warn("messageWillBePosted hook threw; post goes through unchanged", {
          plugin_id: entry.pluginId,
          error: String(error),
        });
      }
    }
    return { post: current };
  }

  /** Start `onMessagePosted` hooks without waiting for them. */
  firePosted(post: Post): void {
    for (const entry of [...this.posted]) this.track(entry.pluginId, "onMessagePosted", () => entry.fn(post));
  }

  /** Start `onMessageUpdated` hooks (after an edit is committed) without waiting for them. */
  fireUpdated(post: Post): void {
    for (const entry of [...this.updated]) this.track(entry.pluginId, "onMessageUpdated", () => entry.fn(post));
  }

  /** Start `onMessageDeleted` hooks (after a delete is committed) without waiting for them. */
  fireDeleted(post: Post): void {
    for (const entry of [...this.deleted]) this.track(entry.pluginId, "onMessageDeleted", () => entry.fn(post));
  }

  /** Start `onChannelMemberAdded` hooks without waiting for them. */
  fireMemberAdded(event: { channelId: string; userId: string }): void {
    for (const entry of [...this.memberAdded]) this.track(entry.pluginId, "onChannelMemberAdded", () => entry.fn(event));
  }

  /** Start `onChannelMemberRemoved` hooks (after the membership is deleted) without waiting for them. */
  fireMemberRemoved(event: { channelId: string; userId: string; removerId: string }): void {
    for (const entry of [...this.memberRemoved]) this.track(entry.pluginId, "onChannelMemberRemoved", () => entry.fn(event));
  }

  /** Start `onTeamCreated` hooks without waiting for them. */
  fireTeamCreated(team: Team): void {
    for (const entry of [...this.teamCreated]) this.track(entry.pluginId, "onTeamCreated", () => entry.fn(team));
  }

  private track(pluginId: string, hook: string, run: () => void | Promise<void>): void {
    const promise = withTimeout(
      Promise.resolve()
        .then(run)
        .catch((error) => this.props.log.warn(`${hook} hook threw`, { plugin_id: pluginId, error: String(error) })),
      this.props.timeoutMs,
    ).then((result) => {
      if (result === TIMED_OUT) this.props.log.warn(`${hook} hook timed out`, { plugin_id: pluginId });
    });
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  /** Wait until every started hook has finished or timed out. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
