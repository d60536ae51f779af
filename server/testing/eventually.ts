/**
 * @module testing/eventually
 * The one poll-until helper of the test kit: for effects that land a moment
 * after the request that caused them (after-commit hooks, cross-process
 * events, workflow runs).
 */

/** Options of {@link eventually}. */
export interface EventuallyOptions {
  /** Give up after this long (default 8 s). */
  ms?: number;
  /** What is awaited, for the timeout message (a function is called at the timeout, to describe what was seen by then). */
  what?: string | (() => string);
  /** Poll interval (default 10 ms). */
  intervalMs?: number;
}

/**
 * Poll `check` until it returns a value other than `undefined` and `false`
 * (a thrown error counts as "not yet"), then return that value; fail after `ms`
 * with `what` and the last error in the message.
 * @example const run = await eventually(async () => (await runsOf(admin, id))[0], { what: "a run" });
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: EventuallyOptions = {},
): Promise<T> {
  const { ms = 8000, what = "the condition", intervalMs = 10 } = options;
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const described = typeof what === "function" ? what() : what;
      throw new Error(`timed out after ${ms} ms waiting for ${described}${last ? `: ${String(last)}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
