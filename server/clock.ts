/**
 * @module clock
 * The host's one clock: the time, one-shot timers and intervals, each returning
 * a disposable. The real clock is the system's; the manual one is for tests,
 * which move time with `advance(ms)` instead of waiting, so reminders, retries
 * and due times are tested in milliseconds of real time. Plugins reach it as
 * `ctx.clock` and `ctx.timers` (see {@link ownedTimers}).
 */
import type { Disposable, TimersApi } from "#plugin-api";

/** A timer callback; the manual clock awaits a returned promise before moving on. */
export type TimerCallback = () => void | Promise<void>;

/** Time and timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Call `fn` once after `ms`; dispose to cancel. */
  setTimeout(fn: TimerCallback, ms: number): Disposable;
  /** Call `fn` every `ms` (at least 1); dispose to stop. */
  setInterval(fn: TimerCallback, ms: number): Disposable;
}

/** Longest wait of one Node timer (setTimeout's limit is 2^31-1 ms, ~24.8 days); later times are reached by waiting again. */
const MAX_NODE_WAIT_MS = 2 ** 31 - 1;

/** The system clock. Timers are unref'd: a pending timer never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const dueAt = Date.now() + Math.max(0, ms);
    let timer: NodeJS.Timeout | undefined;
    const wait = () => {
      const left = dueAt - Date.now();
      if (left > 0) {
        timer = setTimeout(wait, Math.min(left, MAX_NODE_WAIT_MS));
        timer.unref();
        return;
      }
      void fn();
    };
    timer = setTimeout(wait, Math.min(Math.max(0, ms), MAX_NODE_WAIT_MS));
    timer.unref();
    return { dispose: () => clearTimeout(timer) };
  },
  setInterval(fn, ms) {
    const timer = setInterval(() => void fn(), Math.min(Math.max(1, ms), MAX_NODE_WAIT_MS));
    timer.unref();
    return { dispose: () => clearInterval(timer) };
  },
};

interface ManualTimer {
  seq: number;
  dueAt: number;
  fn: TimerCallback;
  /** Set for intervals. */
  everyMs?: number;
}

/**
 * A clock that moves only when told: `advance(ms)` runs every timer due in
 * that span, in order of due time (then of creation), awaiting each callback,
 * with `now()` reading the timer's due time while it runs.
 * @example const clock = new ManualClock(); clock.setTimeout(fire, 1000); await clock.advance(1000);
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Set<ManualTimer>();

  constructor(start = Date.UTC(2030, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: TimerCallback, ms: number): Disposable {
    return this.add({ seq: this.seq++, dueAt: this.time + Math.max(0, ms), fn });
  }

  setInterval(fn: TimerCallback, ms: number): Disposable {
    const everyMs = Math.max(1, ms);
    return this.add({ seq: this.seq++, dueAt: this.time + everyMs, fn, everyMs });
  }

  /** Timers not yet fired or disposed. */
  get pending(): number {
    return this.timers.size;
  }

  /** Move time forward by `ms`, running what falls due; resolves after the last callback settled. */
  async advance(ms: number): Promise<void> {
    const end = this.time + Math.max(0, ms);
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.time = Math.max(this.time, next.dueAt);
      if (next.everyMs === undefined) this.timers.delete(next);
      else next.dueAt += next.everyMs;
      await next.fn();
    }
    this.time = Math.max(this.time, end);
  }

  private nextDue(end: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const timer of this.timers)
      if (timer.dueAt <= end && (!best || timer.dueAt < best.dueAt || (timer.dueAt === best.dueAt && timer.seq < best.seq))) best = timer;
    return best;
  }

  private add(timer: ManualTimer): Disposable {
    this.timers.add(timer);
    return { dispose: () => void this.timers.delete(timer) };
  }
}

/**
 * A plugin's timers on the host's clock: each is tracked (so it is disposed
 * with the plugin), a throwing callback is logged, and runs of one interval
 * never overlap (a tick that arrives while the last run is still going is skipped).
 */
export function ownedTimers(props: {
  clock: Clock;
  track(disposable: Disposable): Disposable;
  log: { error(message: string, fields?: Record<string, unknown>): void };
}): TimersApi {
  const guarded = async (fn: TimerCallback, kind: string) => {
    try {
      await fn();
    } catch (error) {
      props.log.error(`${kind} callback threw`, { error: error instanceof Error ? error.message : String(error) });
    }
  };
  return {
    setTimeout(fn, ms) {
      const handle: Disposable = props.track(
        props.clock.setTimeout(() => {
          handle.dispose();
          return guarded(fn, "timeout");
        }, ms),
      );
      return handle;
    },
    setInterval(fn, ms) {
      let running = false;
      return props.track(
        props.clock.setInterval(async () => {
          if (running) return;
          running = true;
          try {
            await guarded(fn, "interval");
          } finally {
            running = false;
          }
        }, ms),
      );
    },
  };
}
