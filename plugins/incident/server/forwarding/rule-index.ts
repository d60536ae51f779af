/**
 * @module forwarding/rule-index
 * The forwarding rules of every active incident, indexed so that a post is
 * matched without looking at the rules one by one:
 *
 * - every keyword and excluded keyword of every rule goes into ONE
 *   {@link KeywordAutomaton}; a hit maps back to the rules that asked for
 *   that keyword, so only those rules become candidates;
 * - rules a post can meet without a keyword (no keywords, or a regex with
 *   `match: any`) are indexed by source: `team + channel name`, or
 *   `team + "*"` for every public channel of the team;
 * - only the candidates get the remaining checks: source channel, keywords
 *   and regex (`match: any`: one keyword or the regex; `all`: every keyword
 *   and the regex), exclusions, authors.
 *
 * The index changes incrementally as incidents start, end and reload their
 * rules. Keywords it has never seen go into a small second automaton (built
 * lazily at the next post, cheap), which is merged into the main one once it
 * holds more than an eighth of the keywords: starting one incident never
 * rebuilds the automaton of ten thousand rules. Keywords no rule uses any more
 * stay in it harmlessly until they outnumber the live ones, then everything
 * is recompiled.
 */
import type { Post } from "#common/wire.ts";
import { compileForwardingRegex, type ForwardingRegex } from "../../common/forwarding-regex.ts";
import type { ForwardingRule } from "../../common/playbook.ts";
import { KeywordAutomaton, normalizeKeyword } from "./keyword-automaton.ts";
import { authorNames, forwardableText } from "./post-text.ts";

/**
 * A forwarding rule as stored on an incident (templates already rendered):
 * the playbook's {@link ForwardingRule}, every part optional so an older
 * stored copy still reads.
 */
export type ForwardingRuleInput = Partial<ForwardingRule>;

/** An active incident's rules, as the index needs them. */
export interface IndexedIncident {
  incidentId: string;
  teamId: string;
  /** The incident's own channel: never a source for this incident. */
  channelId: string;
  rules: readonly ForwardingRuleInput[];
}

/** The channel a post was made in, as the match needs it. */
export interface SourceChannel {
  id: string;
  team_id: string;
  name: string;
  /** `O` public, `P` private: only public channels are sources. */
  type: string;
  delete_at: number;
}

/** Lookups the match needs, only for posts that have candidate rules. */
export interface MatchLookups {
  channel(channelId: string): Promise<SourceChannel | null>;
  /** The username of a user id, or undefined. */
  username(userId: string): Promise<string | undefined>;
}

/** What {@link ForwardingRuleIndex.candidates} found in a post: the keywords hit, and the rules they make candidates. */
export interface MatchCandidates {
  text: string;
  hits: ReadonlySet<number>;
  rules: ReadonlySet<CompiledRule>;
}

/** One incident a post is to be forwarded to (once, whatever the number of rules it met). */
export interface ForwardingMatch {
  incidentId: string;
  incidentChannelId: string;
  /** Positions, in the incident's `forwarding` list, of the rules the post met. */
  ruleIndexes: number[];
}

/** A rule whose regex does not compile: its position in the incident's list, and why. */
export interface BrokenRule {
  ruleIndex: number;
  reason: string;
}

/** A rule as the index keeps it (opaque outside the index). */
export interface CompiledRule {
  incident: IndexedIncident;
  index: number;
  allChannels: boolean;
  /** Source channel names, lowercased. */
  channels: ReadonlySet<string>;
  keywordIds: number[];
  /**
   * The keywords under which the rule is found: all of them for `match: any`
   * (one hit makes it a candidate); for `match: all` only the one fewest other
   * rules use (every keyword must be hit anyway), so a keyword many rules
   * share, such as `critical`, does not make each of them a candidate.
   */
  triggerIds: number[];
  excludeIds: number[];
  matchAll: boolean;
  /** RE2, linear in the text (forwarding-regex.ts). */
  regex: ForwardingRegex | null;
  /** Lowercased names, or null when any author will do. */
  authors: ReadonlySet<string> | null;
  /** Set when the regex does not compile: the rule never matches. */
  broken: boolean;
  /** A post may meet it without any keyword: found through the source index. */
  sourceIndexed: boolean;
}

const ALL_CHANNELS = "*";

function sourceKey(teamId: string, channelName: string): string {
  return `${teamId}\n${channelName}`;
}

/** Normalize a rule's `from` into "every channel" or a set of names. */
function sources(from: ForwardingRuleInput["from"]): { all: boolean; names: Set<string> } {
  const list = typeof from === "string" ? [from] : (from ?? []);
  const names = new Set(list.map((name) => name.trim().replace(/^~/, "").toLowerCase()).filter(Boolean));
  const all = names.has(ALL_CHANNELS);
  names.delete(ALL_CHANNELS);
  return { all, names };
}

function cleanList(list: readonly string[] | undefined): string[] {
  return [...new Set((list ?? []).map(normalizeKeyword).filter(Boolean))];
}

/** Keywords and regex: `any` needs one keyword or the regex, `all` every keyword and the regex. */
function meetsText(rule: CompiledRule, hits: ReadonlySet<number>, text: string): boolean {
  const { keywordIds, regex } = rule;
  if (rule.matchAll) return keywordIds.every((id) => hits.has(id)) && (!regex || regex.test(text));
  if (keywordIds.length === 0 && !regex) return true;
  return keywordIds.some((id) => hits.has(id)) || (regex !== null && regex.test(text));
}

/**
 * The index of active forwarding rules. Plain data, no I/O: the forwarder
 * feeds it incidents and asks it about posts.
 *
 * @example
 * const index = new ForwardingRuleIndex();
 * index.upsertIncident({incidentId, teamId, channelId, rules: [{from: ["alerts"], keywords: ["db-prod"]}]});
 * const matches = await index.match(post, lookups); // [{incidentId, incidentChannelId, ruleIndexes: [0]}]
 */
export class ForwardingRuleIndex {
  private readonly incidents = new Map<string, CompiledRule[]>();
  // Keyword registry: ids are stable while the automaton lives.
  private keywordIds = new Map<string, number>();
  private keywords: string[] = [];
  private keywordRefs: number[] = [];
  private rulesByKeyword: Array<Set<CompiledRule>> = [];
  private readonly bySource = new Map<string, Set<CompiledRule>>();
  private sourceIndexedCount = 0;
  private liveRules = 0;
  /** Keywords some rule uses; the others are stale entries of the automaton. */
  private liveKeywords = 0;
  /** Keywords `0..mainSize-1`. */
  private main: KeywordAutomaton = new KeywordAutomaton([]);
  private mainSize = 0;
  /** Keywords `mainSize..`, added since the main automaton was built; null when stale. */
  private delta: KeywordAutomaton | null = null;
  /** How many automatons were built: for tests and diagnostics. */
  builds = 0;

  /** Number of active rules. */
  get ruleCount(): number {
    return this.liveRules;
  }

  /** Number of active incidents with rules. */
  get incidentCount(): number {
    return this.incidents.size;
  }

  /** True when the incident has rules in the index. */
  has(incidentId: string): boolean {
    return this.incidents.has(incidentId);
  }

  /**
   * Add an incident's rules, or replace them (after `/incident rules reload`).
   * Answers the rules whose regex does not compile: they are kept, and never match.
   */
  upsertIncident(incident: IndexedIncident): BrokenRule[] {
    this.removeIncident(incident.incidentId);
    if (incident.rules.length === 0) return [];
    const broken: BrokenRule[] = [];
    const compiled = incident.rules.map((rule, index) => this.compile(incident, rule, index, broken));
    this.incidents.set(incident.incidentId, compiled);
    for (const rule of compiled) this.link(rule);
    return broken;
  }

  /** Drop an incident's rules (it ended). */
  removeIncident(incidentId: string): void {
    const compiled = this.incidents.get(incidentId);
    if (!compiled) return;
    this.incidents.delete(incidentId);
    for (const rule of compiled) this.unlink(rule);
    const stale = this.keywords.length - this.liveKeywords;
    if (stale > 1024 && stale > this.liveKeywords) this.recompile();
  }

  /** Drop everything. */
  clear(): void {
    this.incidents.clear();
    this.recompile();
  }

  private keywordId(keyword: string): number {
    let id = this.keywordIds.get(keyword);
    if (id === undefined) {
      id = this.keywords.length;
      this.keywordIds.set(keyword, id);
      this.keywords.push(keyword);
      this.keywordRefs.push(0);
      this.rulesByKeyword.push(new Set());
    }
    return id;
  }

  private compile(incident: IndexedIncident, rule: ForwardingRuleInput, index: number, broken: BrokenRule[]): CompiledRule {
    const { all, names } = sources(rule.from);
    let regex: ForwardingRegex | null = null;
    if (rule.regex) {
      const compiled = compileForwardingRegex(rule.regex);
      if (compiled.ok) regex = compiled.regex;
      else broken.push({ ruleIndex: index, reason: compiled.reason });
    }
    const authors = cleanList(rule.authors).map((name) => name.replace(/^@/, ""));
    const keywordIds = cleanList(rule.keywords).map((keyword) => this.keywordId(keyword));
    const matchAll = rule.match === "all";
    return {
      incident,
      index,
      allChannels: all,
      channels: names,
      keywordIds,
      triggerIds: keywordIds,
      excludeIds: cleanList(rule.exclude_keywords).map((keyword) => this.keywordId(keyword)),
      matchAll,
      regex,
      authors: authors.length ? new Set(authors) : null,
      broken: Boolean(rule.regex) && regex === null,
      sourceIndexed: keywordIds.length === 0 || (!matchAll && regex !== null),
    };
  }

  private link(rule: CompiledRule): void {
    this.liveRules += 1;
    for (const id of [...rule.keywordIds, ...rule.excludeIds]) {
      const refs = (this.keywordRefs[id] ?? 0) + 1;
      this.keywordRefs[id] = refs;
      if (refs === 1) this.liveKeywords += 1;
      // A keyword the automatons do not know yet: rebuild the small one at the next post.
      if (this.delta && id >= this.mainSize + this.delta.size) this.delta = null;
    }
    if (rule.matchAll && rule.keywordIds.length > 1) rule.triggerIds = [this.rarestKeyword(rule.keywordIds)];
    for (const id of rule.triggerIds) this.rulesByKeyword[id]?.add(rule);
    if (rule.sourceIndexed) {
      this.sourceIndexedCount += 1;
      for (const key of this.sourceKeys(rule)) {
        let set = this.bySource.get(key);
        if (!set) {
          set = new Set();
          this.bySource.set(key, set);
        }
        set.add(rule);
      }
    }
  }

  private unlink(rule: CompiledRule): void {
    this.liveRules -= 1;
    for (const id of [...rule.keywordIds, ...rule.excludeIds]) {
      const refs = (this.keywordRefs[id] ?? 0) - 1;
      this.keywordRefs[id] = refs;
      if (refs === 0) this.liveKeywords -= 1;
    }
    for (const id of rule.triggerIds) this.rulesByKeyword[id]?.delete(rule);
    if (rule.sourceIndexed) {
      this.sourceIndexedCount -= 1;
      for (const key of this.sourceKeys(rule)) {
        const set = this.bySource.get(key);
        set?.delete(rule);
        if (set?.size === 0) this.bySource.delete(key);
      }
    }
  }

  /** The keyword fewest rules are found under; the longest among equals (likelier to be specific). */
  private rarestKeyword(ids: readonly number[]): number {
    const users = (id: number) => this.rulesByKeyword[id]?.size ?? 0;
    const length = (id: number) => this.keywords[id]?.length ?? 0;
    let best = ids[0] ?? 0;
    for (const id of ids) {
      if (users(id) < users(best) || (users(id) === users(best) && length(id) > length(best))) best = id;
    }
    return best;
  }

  private sourceKeys(rule: CompiledRule): string[] {
    const teamId = rule.incident.teamId;
    if (rule.allChannels) return [sourceKey(teamId, ALL_CHANNELS)];
    return [...rule.channels].map((name) => sourceKey(teamId, name));
  }

  /** Start over from the stored incidents, with a fresh keyword registry. */
  private recompile(): void {
    const incidents = [...this.incidents.values()].flatMap((rules) => (rules[0] ? [rules[0].incident] : []));
    this.incidents.clear();
    this.keywordIds = new Map();
    this.keywords = [];
    this.keywordRefs = [];
    this.rulesByKeyword = [];
    this.bySource.clear();
    this.sourceIndexedCount = 0;
    this.liveRules = 0;
    this.liveKeywords = 0;
    this.main = new KeywordAutomaton([]);
    this.mainSize = 0;
    this.delta = null;
    for (const incident of incidents) this.upsertIncident(incident);
  }

  /** Bring the automatons up to date with the keyword registry. */
  private refreshAutomatons(): void {
    const pending = this.keywords.length - this.mainSize;
    if (pending === 0 || (this.delta && this.delta.size === pending)) return;
    if (pending > Math.max(512, this.mainSize / 8)) {
      this.main = new KeywordAutomaton(this.keywords);
      this.mainSize = this.keywords.length;
      this.delta = null;
    } else {
      this.delta = new KeywordAutomaton(this.keywords.slice(this.mainSize));
    }
    this.builds += 1;
  }

  /** Call `onHit(id)` for each keyword found in lowercased text. */
  private scan(lowercased: string, onHit: (id: number) => void): void {
    this.refreshAutomatons();
    this.main.scanLowercased(lowercased, onHit);
    if (this.delta) {
      const offset = this.mainSize;
      this.delta.scanLowercased(lowercased, (id) => onHit(id + offset));
    }
  }

  /**
   * Merge every keyword into the main automaton now rather than at the next
   * post (e.g. after loading every active incident on activation).
   */
  prepare(): void {
    if (this.keywords.length > this.mainSize) {
      this.main = new KeywordAutomaton(this.keywords);
      this.mainSize = this.keywords.length;
      this.delta = null;
      this.builds += 1;
    }
  }

  /**
   * The synchronous first step of {@link match}: one scan of the post's
   * text. Null when no rule can apply (no keyword of a rule was hit and no
   * rule is found by source alone) — most posts: then nothing else is done,
   * no lookup, no allocation beyond the text.
   */
  candidates(post: Pick<Post, "message" | "props">): MatchCandidates | null {
    if (this.liveRules === 0) return null;
    const text = forwardableText(post);
    let hits = null as Set<number> | null;
    let rules = null as Set<CompiledRule> | null;
    this.scan(text.toLowerCase(), (id) => {
      hits ??= new Set();
      if (hits.has(id)) return;
      hits.add(id);
      const found = this.rulesByKeyword[id];
      if (!found || found.size === 0) return;
      rules ??= new Set();
      for (const rule of found) rules.add(rule);
    });
    if (rules === null && this.sourceIndexedCount === 0) return null;
    return { text, hits: hits ?? new Set(), rules: rules ?? new Set() };
  }

  /**
   * The incidents a post is to be copied to. Synchronous work first (one scan
   * of the text); the source channel is looked up only when some rule is a
   * candidate, and a channel that is not public (now) is never a source.
   */
  async match(post: Pick<Post, "id" | "channel_id" | "user_id" | "message" | "props">, lookups: MatchLookups): Promise<ForwardingMatch[]> {
    const found = this.candidates(post);
    return found ? this.resolve(post, found, lookups) : [];
  }

  /** The second step of {@link match}, for a post {@link candidates} did not rule out. */
  async resolve(
    post: Pick<Post, "id" | "channel_id" | "user_id" | "message" | "props">,
    found: MatchCandidates,
    lookups: MatchLookups,
  ): Promise<ForwardingMatch[]> {
    const { text, hits } = found;
    const candidates = new Set(found.rules);
    const channel = await lookups.channel(post.channel_id);
    if (!channel || channel.type !== "O" || channel.delete_at !== 0) return [];
    const channelName = channel.name.toLowerCase();
    for (const key of [sourceKey(channel.team_id, channelName), sourceKey(channel.team_id, ALL_CHANNELS)]) {
      for (const rule of this.bySource.get(key) ?? []) candidates.add(rule);
    }
    if (candidates.size === 0) return [];

    let names: string[] | undefined;
    const byIncident = new Map<string, ForwardingMatch>();
    for (const rule of candidates) {
      const incident = rule.incident;
      if (rule.broken || incident.teamId !== channel.team_id || incident.channelId === channel.id) continue;
      if (!rule.allChannels && !rule.channels.has(channelName)) continue;
      if (!meetsText(rule, hits, text)) continue;
      if (rule.excludeIds.some((id) => hits.has(id))) continue;
      const authors = rule.authors;
      if (authors) {
        names ??= authorNames(post, await lookups.username(post.user_id));
        if (!names.some((name) => authors.has(name))) continue;
      }
      const entry = byIncident.get(incident.incidentId);
      if (entry) entry.ruleIndexes.push(rule.index);
      else
        byIncident.set(incident.incidentId, {
          incidentId: incident.incidentId,
          incidentChannelId: incident.channelId,
          ruleIndexes: [rule.index],
        });
    }
    for (const entry of byIncident.values()) entry.ruleIndexes.sort((a, b) => a - b);
    return [...byIncident.values()];
  }
}
