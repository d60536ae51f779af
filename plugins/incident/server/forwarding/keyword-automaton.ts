/**
 * @module forwarding/keyword-automaton
 * One Aho–Corasick automaton over every keyword of every active forwarding
 * rule, so a post is scanned once whatever the number of rules.
 *
 * Keywords and text are lowercased (case-insensitive matching), and every hit
 * is checked for the whole-word rule of DESIGN.md with the one boundary check
 * of `#common/text-match.ts` ({@link isWholeWordAt}): the characters just
 * before and just after the keyword must not be letters, digits or `_`. The
 * keyword itself may hold any characters (`db-prod`, `ERR-500`, `api.example.com`).
 */
import { isWholeWordAt, normalizeKeyword } from "#common/text-match.ts";

/** The first slot of edge `node --code-->` in the transition hash (multiplicative hashing: the top bits). */
function edgeSlot(node: number, code: number, shift: number): number {
  return Math.imul(node ^ Math.imul(code, 0x85ebca6b), 0x9e3779b1) >>> shift;
}

/** Lowercase a keyword or a text the way the automaton compares them (the one rule of `#common/text-match.ts`). */
export { normalizeKeyword };

/**
 * An immutable automaton over a list of keywords. Keyword ids are their
 * positions in the list; empty strings are placeholders that never match
 * (the rule index uses them for retired keywords, so ids stay stable).
 *
 * @example
 * const automaton = new KeywordAutomaton(["db-prod", "payments"]);
 * automaton.scan("Alert: DB-PROD latency"); // Set {0}
 * automaton.scan("db-production");          // Set {} — not a whole word
 */
export class KeywordAutomaton {
  /** Number of keywords (ids are 0..size-1). */
  readonly size: number;
  /** Number of trie nodes, for diagnostics. */
  readonly nodeCount: number;
  private readonly lengths: Int32Array;
  // Transitions, built once: the root's ASCII children in a table, every
  // other edge in one open-addressing hash of typed arrays (no Map per node:
  // a post is scanned character by character, and the lookups are its cost).
  private readonly rootAscii: Int32Array;
  private readonly edgeNode: Int32Array;
  private readonly edgeCode: Int32Array;
  private readonly edgeNext: Int32Array;
  private readonly edgeShift: number;
  private readonly edgeMask: number;
  private readonly fail: Int32Array;
  /** Keyword id ending at the node, or -1. */
  private readonly output: Int32Array;
  /** Nearest node on the failure chain that has an output, or 0. */
  private readonly dictLink: Int32Array;

  constructor(keywords: readonly string[]) {
    this.size = keywords.length;
    this.lengths = new Int32Array(keywords.length);
    const singleChar: number[] = [-1];
    const singleNext: number[] = [0];
    const multi: Array<Map<number, number> | undefined> = [undefined];
    const output: number[] = [-1];

    const child = (node: number, code: number): number => {
      if (singleChar[node] === code) return singleNext[node] ?? -1;
      const map = multi[node];
      return map?.get(code) ?? -1;
    };
    const addChild = (node: number, code: number): number => {
      const next = singleChar.length;
      singleChar.push(-1);
      singleNext.push(0);
      multi.push(undefined);
      output.push(-1);
      if (singleChar[node] === -1 && !multi[node]) {
        singleChar[node] = code;
        singleNext[node] = next;
      } else {
        let map = multi[node];
        if (!map) {
          map = new Map();
          multi[node] = map;
        }
        map.set(code, next);
      }
      return next;
    };

    keywords.forEach((keyword, id) => {
      const pattern = normalizeKeyword(keyword);
      this.lengths[id] = pattern.length;
      if (!pattern) return;
      let node = 0;
      for (let i = 0; i < pattern.length; i++) {
        const code = pattern.charCodeAt(i);
        const next = child(node, code);
        node = next >= 0 ? next : addChild(node, code);
      }
      output[node] = id;
    });

    const count = singleChar.length;
    const fail = new Int32Array(count);
    const dictLink = new Int32Array(count);
    // Breadth-first, so a node's failure target is final before its children need it.
    const queue = new Int32Array(count);
    let head = 0;
    let tail = 0;
    const forEachChild = (node: number, visit: (code: number, next: number) => void): void => {
      const code = singleChar[node] ?? -1;
      if (code !== -1) visit(code, singleNext[node] ?? 0);
      multi[node]?.forEach((next, code) => visit(code, next));
    };
    forEachChild(0, (_code, next) => {
      fail[next] = 0;
      queue[tail++] = next;
    });
    while (head < tail) {
      const node = queue[head++] ?? 0;
      forEachChild(node, (code, next) => {
        let f = fail[node] ?? 0;
        let target = child(f, code);
        while (target < 0 && f !== 0) {
          f = fail[f] ?? 0;
          target = child(f, code);
        }
        fail[next] = target >= 0 && target !== next ? target : 0;
        const via = fail[next] ?? 0;
        dictLink[next] = (output[via] ?? -1) >= 0 ? via : (dictLink[via] ?? 0);
        queue[tail++] = next;
      });
    }

    this.nodeCount = count;
    this.fail = fail;
    this.output = Int32Array.from(output);
    this.dictLink = dictLink;

    this.rootAscii = new Int32Array(128).fill(-1);
    let bits = 4;
    while (1 << bits < 2 * count) bits += 1;
    this.edgeShift = 32 - bits;
    this.edgeMask = (1 << bits) - 1;
    this.edgeNode = new Int32Array(1 << bits).fill(-1);
    this.edgeCode = new Int32Array(1 << bits);
    this.edgeNext = new Int32Array(1 << bits);
    for (let node = 0; node < count; node++) {
      forEachChild(node, (code, next) => {
        if (node === 0 && code < 128) {
          this.rootAscii[code] = next;
          return;
        }
        let slot = edgeSlot(node, code, this.edgeShift);
        while (this.edgeNode[slot] !== -1) slot = (slot + 1) & this.edgeMask;
        this.edgeNode[slot] = node;
        this.edgeCode[slot] = code;
        this.edgeNext[slot] = next;
      });
    }
  }

  private next(node: number, code: number): number {
    if (node === 0 && code < 128) return this.rootAscii[code] ?? -1;
    const nodes = this.edgeNode;
    let slot = edgeSlot(node, code, this.edgeShift);
    for (;;) {
      const at = nodes[slot];
      if (at === -1 || at === undefined) return -1;
      if (at === node && this.edgeCode[slot] === code) return this.edgeNext[slot] ?? -1;
      slot = (slot + 1) & this.edgeMask;
    }
  }

  /**
   * Call `onHit(id)` for each whole-word occurrence of a keyword in `text`,
   * which must already be lowercased with {@link normalizeKeyword}'s rule
   * (`toLowerCase()`). Ids may repeat.
   */
  scanLowercased(text: string, onHit: (id: number) => void): void {
    if (this.nodeCount <= 1) return;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let next = this.next(node, code);
      while (next < 0 && node !== 0) {
        node = this.fail[node] ?? 0;
        next = this.next(node, code);
      }
      node = next < 0 ? 0 : next;
      let hit = (this.output[node] ?? -1) >= 0 ? node : (this.dictLink[node] ?? 0);
      while (hit !== 0) {
        const id = this.output[hit] ?? 0;
        const start = i + 1 - (this.lengths[id] ?? 0);
        if (isWholeWordAt(text, start, i + 1)) onHit(id);
        hit = this.dictLink[hit] ?? 0;
      }
    }
  }

  /** The ids of the keywords that occur in `text` as whole words, case-insensitively. */
  scan(text: string): Set<number> {
    const hits = new Set<number>();
    this.scanLowercased(text.toLowerCase(), (id) => hits.add(id));
    return hits;
  }
}
