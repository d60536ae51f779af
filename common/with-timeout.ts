/**
 * @module with-timeout
 * The one time budget for a promise: hooks, plugin activation and workflow
 * steps each wait at most so long for code they do not control. The promise
 * itself is not cancelled (JavaScript cannot); it is only no longer waited
 * for, and the timer never outlives the race.
 */

/** What {@link withTimeout} resolves with when the budget runs out (without a message). */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * Wait for `promise` at most `ms` milliseconds. Without `message`, resolve
 * with {@link TIMED_OUT} when the time is up; with it, reject with
 * `new Error(message)`.
 * @example
 * const result = await withTimeout(hook(post), 2000);
 * if (result === TIMED_OUT) log.warn("hook timed out");
 * @example await withTimeout(runAction(step), 30_000, "post_message did not finish within 30s")
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT>;
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T>;
export async function withTimeout<T>(promise: Promise<T>, ms: number, message?: string): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve, reject) => {
    timer = setTimeout(() => (message === undefined ? resolve(TIMED_OUT) : reject(new Error(message))), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
