/**
 * @module store/store
 * A tiny observable store read through `useSyncExternalStore`.
 */
import { useSyncExternalStore } from "react";

/** Holds one immutable state value and tells subscribers when it changes. */
export class Store<T> {
  private state: T;
  private readonly listeners = new Set<() => void>();

  constructor(initial: T) {
    this.state = initial;
  }

  get = (): T => this.state;

  /** Replace the state with `update(previous)`; listeners run when it changed. */
  update(update: (previous: T) => T): void {
    const next = update(this.state);
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/**
 * Read a slice of a store in a component; re-renders when the slice changes.
 * The selector must return a stable value (a stored object, not a new one).
 */
export function useStore<T, S>(store: Store<T>, select: (state: T) => S): S {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
