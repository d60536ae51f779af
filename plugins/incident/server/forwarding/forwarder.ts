/**
 * @module forwarding/forwarder
 * Message forwarding (DESIGN.md section 4): while an incident is active, every
 * new post of a public channel that meets one of its rules is copied into the
 * incident channel by the Incident bot, once per incident, as a
 * `custom_incident_forwarded` post carrying the author, the source channel and
 * a permalink.
 *
 * The forwarder keeps a {@link ForwardingRuleIndex} of every active
 * incident's rules in memory: loaded from the database on activation, updated
 * when an incident starts, ends or reloads its rules. With several processes
 * (PostgreSQL), the process that changes an incident bumps a generation key in
 * the plugin's key-value store, and every process polls that key and reloads
 * when it moves — so a rule change reaches the other processes within
 * {@link REFRESH_INTERVAL_MS}.
 *
 * Matching runs in `onMessagePosted`, after the post is committed and
 * answered: a slow match never delays a post, and a post never waits for its
 * copies.
 *
 * Copies follow their original (DESIGN.md section 9): when it is edited
 * (`onMessageUpdated`) each copy's excerpt and text are rewritten, and when it
 * is deleted (`onMessageDeleted`) its copies are deleted — forwarding must not
 * keep what the author took back. The copies are found by the link each one
 * stores, `props.source_post_id`, so they follow whether or not the incident
 * is still active.
 */
import { newId } from "#common/ids.ts";
import { LIMITS } from "#common/limits.ts";
import type { PluginContext } from "#plugin-api";
import type { Post } from "#common/wire.ts";
import { FORWARDED_POST_TYPE, forwardedPostPropsSchema, type ForwardedPostProps } from "../../common/forwarded-post.ts";
import type { ForwardingRule } from "../../common/playbook.ts";
import { forwardableText } from "./post-text.ts";
import { ForwardingRuleIndex, type BrokenRule, type ForwardingMatch, type SourceChannel } from "./rule-index.ts";

/** How often each process checks whether another one changed the rules. */
export const REFRESH_INTERVAL_MS = 5_000;

/** The key-value entry that changes whenever some process changes the rules. */
const GENERATION_KEY = "forwarding_generation";

/** How much of the source text a copy quotes. */
export const EXCERPT_MAX = 1_000;

/** What the forwarder needs to know of an incident. */
export interface ForwardingIncident {
  id: string;
  team_id: string;
  channel_id: string;
  status: string;
  forwarding: readonly ForwardingRule[];
}

/** The text of a copy: who, where, a link, then the quoted excerpt. */
function forwardedMessage(props: ForwardedPostProps): string {
  const quoted = props.excerpt
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  const head = `**Forwarded** from ~${props.source_channel_name} by @${props.author_name} · [Jump to message](${props.permalink})`;
  return `${head}\n${quoted}`.slice(0, LIMITS.postMessageMax);
}

function excerptOf(text: string): string {
  return text.length > EXCERPT_MAX ? `${text.slice(0, EXCERPT_MAX - 1)}…` : text;
}

/** A tiny cache of names that rarely change (team names, usernames), refreshed after a minute. */
class NameCache {
  private readonly entries = new Map<string, { value: string | undefined; at: number }>();
  constructor(private readonly load: (id: string) => Promise<string | undefined>) {}
  async get(id: string): Promise<string | undefined> {
    const entry = this.entries.get(id);
    if (entry && Date.now() - entry.at < 60_000) return entry.value;
    const value = await this.load(id);
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(id, { value, at: Date.now() });
    return value;
  }
}

/**
 * Copies matching posts into incident channels. Create one per activation;
 * call {@link IncidentForwarder.activate} once, then tell it about incidents
 * as they start ({@link track}), reload their rules ({@link track}) and end
 * ({@link forget}).
 */
export class IncidentForwarder {
  /** The rules of every active incident; exposed for diagnostics and benchmarks. */
  readonly index = new ForwardingRuleIndex();
  private generation: string | null = null;
  private readonly usernames: NameCache;
  private readonly teamNames: NameCache;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly props: {
      ctx: PluginContext;
      /** The Incident bot: its posts are never forwarded, and it posts the copies. */
      botUserId: string;
      /** Every active incident, from the database. */
      loadActive(): Promise<ForwardingIncident[]>;
      /** Told of each copy made (the incident's timeline records it); a failure is logged. */
      onCopied?(copied: { incidentId: string; copy: Post; source: Post }): Promise<void>;
      /**
       * Switch off an incident's rules whose regex does not compile (a rule
       * stored before regexes were RE2), with a post in its channel; the rules
       * now stored, or null when another process did it first or nothing was left to do.
       */
      switchOffRules(props: { incidentId: string }): Promise<readonly ForwardingRule[] | null>;
    },
  ) {
    const { ctx } = props;
    this.usernames = new NameCache(async (id) => (await ctx.users.get(id))?.username);
    this.teamNames = new NameCache(async (id) => (await ctx.teams.get(id))?.name);
  }

  /** Load the active incidents' rules, hook into new posts, and keep in step with other processes. */
  async activate(): Promise<void> {
    const { ctx } = this.props;
    this.generation = await ctx.kv.get<string>(GENERATION_KEY);
    await this.reloadAll();
    ctx.hooks.onMessagePosted((post) => this.onPosted(post));
    ctx.hooks.onMessageUpdated((post) => this.onUpdated(post));
    ctx.hooks.onMessageDeleted((post) => this.onDeleted(post));
    const timer = setInterval(() => void this.refreshIfChanged(), REFRESH_INTERVAL_MS);
    timer.unref();
    ctx.track({ dispose: () => clearInterval(timer) });
  }

  /** Index an incident's current rules (after a start or `/incident rules reload`), or drop them if it ended. */
  async track(incident: ForwardingIncident): Promise<void> {
    const broken = this.apply(incident);
    if (broken.length) await this.switchOff(incident, broken);
    await this.bumpGeneration();
  }

  /** Drop an incident's rules (it ended). */
  async forget(incidentId: string): Promise<void> {
    this.index.removeIncident(incidentId);
    await this.bumpGeneration();
  }

  /** Index an incident's rules; answers those whose regex does not compile (indexed, never matching). */
  private apply(incident: ForwardingIncident): BrokenRule[] {
    if (incident.status !== "active" || incident.forwarding.length === 0) {
      this.index.removeIncident(incident.id);
      return [];
    }
    return this.index.upsertIncident({
      incidentId: incident.id,
      teamId: incident.team_id,
      channelId: incident.channel_id,
      rules: incident.forwarding,
    });
  }

  private async reloadAll(): Promise<void> {
    const incidents = await this.props.loadActive();
    this.index.clear();
    const withBroken: Array<{ incident: ForwardingIncident; broken: BrokenRule[] }> = [];
    for (const incident of incidents) {
      const broken = this.apply(incident);
      if (broken.length) withBroken.push({ incident, broken });
    }
    this.index.prepare();
    if (withBroken.length === 0) return;
    for (const { incident, broken } of withBroken) await this.switchOff(incident, broken);
    await this.bumpGeneration();
  }

  /**
   * Rules whose regex does not compile never match; they are also switched
   * off in storage, with a post in the incident channel, so the incident's
   * members learn why nothing arrives from them (once: the store switches
   * them off only where they are still on).
   */
  private async switchOff(incident: ForwardingIncident, broken: readonly BrokenRule[]): Promise<void> {
    const { ctx } = this.props;
    ctx.log.warn("forwarding rules have a regex that does not compile; switching them off", {
      incident_id: incident.id,
      rules: broken.map((b) => b.ruleIndex),
      reasons: broken.map((b) => b.reason),
    });
    try {
      const rules = await this.props.switchOffRules({ incidentId: incident.id });
      if (rules) this.apply({ ...incident, forwarding: rules });
    } catch (error) {
      ctx.log.error("could not switch off forwarding rules", { incident_id: incident.id, error: String(error) });
    }
  }

  private async bumpGeneration(): Promise<void> {
    const generation = newId();
    this.generation = generation;
    await this.props.ctx.kv.set(GENERATION_KEY, generation);
  }

  /** Another process changed the rules: reload them from the database. */
  private async refreshIfChanged(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = (async () => {
      try {
        const generation = await this.props.ctx.kv.get<string>(GENERATION_KEY);
        if (generation === this.generation) return;
        this.generation = generation;
        await this.reloadAll();
      } catch (error) {
        this.props.ctx.log.warn("could not refresh forwarding rules", { error: String(error) });
      } finally {
        this.refreshing = null;
      }
    })();
    await this.refreshing;
  }

  /** Never forward a copy, the bot's own posts, or system messages: no loops. */
  private skips(post: Post): boolean {
    return post.type === FORWARDED_POST_TYPE || post.user_id === this.props.botUserId || post.type.startsWith("system_");
  }

  /** The `onMessagePosted` hook. */
  async onPosted(post: Post): Promise<void> {
    if (this.index.ruleCount === 0 || this.skips(post)) return;
    // Most posts hit no rule's keyword: one scan of the text, and done (no lookup, no query).
    const found = this.index.candidates(post);
    if (!found) return;
    const { ctx } = this.props;
    const looked: { channel: SourceChannel | null } = { channel: null };
    const matches = await this.index.resolve(post, found, {
      channel: async (channelId) => (looked.channel = await ctx.channels.get(channelId)),
      username: (userId) => this.usernames.get(userId),
    });
    if (matches.length === 0 || !looked.channel) return;
    await this.copy(post, looked.channel, matches);
  }

  /** The copies of a post, by the link each stores (`props.source_post_id`). */
  private copiesOf(post: Post): Promise<Post[]> {
    return this.props.ctx.posts.findOwn({ type: FORWARDED_POST_TYPE, props: { source_post_id: post.id } });
  }

  /** The `onMessageUpdated` hook: each copy quotes the original as it now reads. */
  async onUpdated(post: Post): Promise<void> {
    if (this.skips(post)) return;
    const { ctx } = this.props;
    for (const copy of await this.copiesOf(post)) {
      const parsed = forwardedPostPropsSchema.safeParse(copy.props);
      if (!parsed.success) {
        ctx.log.warn("a forwarded copy has props it cannot read; left as it is", { post_id: copy.id });
        continue;
      }
      const props: ForwardedPostProps = { ...parsed.data, excerpt: excerptOf(forwardableText(post)) };
      try {
        await ctx.posts.update(copy.id, { message: forwardedMessage(props), props: { ...props } });
      } catch (error) {
        ctx.log.warn("could not update a forwarded copy", { post_id: copy.id, source_post_id: post.id, error: String(error) });
      }
    }
  }

  /** The `onMessageDeleted` hook: a deleted original takes its copies with it. */
  async onDeleted(post: Post): Promise<void> {
    if (this.skips(post)) return;
    const { ctx } = this.props;
    for (const copy of await this.copiesOf(post)) {
      try {
        await ctx.posts.delete(copy.id);
      } catch (error) {
        ctx.log.warn("could not delete a forwarded copy", { post_id: copy.id, source_post_id: post.id, error: String(error) });
      }
    }
  }

  private async copy(post: Post, source: SourceChannel, matches: ForwardingMatch[]): Promise<void> {
    const { ctx, botUserId } = this.props;
    const teamName = (await this.teamNames.get(source.team_id)) ?? "";
    const username = (await this.usernames.get(post.user_id)) ?? "unknown";
    const override =
      post.props.from_webhook === "true" && typeof post.props.override_username === "string" ? post.props.override_username.trim() : "";
    const base = {
      source_post_id: post.id,
      source_channel_id: source.id,
      source_channel_name: source.name,
      source_team_name: teamName,
      author_id: post.user_id,
      author_name: override || username,
      permalink: `${ctx.siteUrl}/${teamName}/pl/${post.id}`,
      excerpt: excerptOf(forwardableText(post)),
    };
    for (const match of matches) {
      const props: ForwardedPostProps = { ...base, incident_id: match.incidentId, rule_indexes: match.ruleIndexes };
      try {
        const copy = await ctx.posts.create({
          channelId: match.incidentChannelId,
          userId: botUserId,
          type: FORWARDED_POST_TYPE,
          message: forwardedMessage(props),
          props: { ...props },
        });
        await this.props.onCopied?.({ incidentId: match.incidentId, copy, source: post });
      } catch (error) {
        ctx.log.warn("could not forward a post", { incident_id: match.incidentId, post_id: post.id, error: String(error) });
      }
    }
  }
}
