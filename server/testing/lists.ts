/**
 * @module testing/lists
 * Reading one item of a list a test has fetched. Indexing is unchecked
 * (`noUncheckedIndexedAccess`): a test says which item it means and fails with
 * a message naming it when the list is shorter, instead of a `TypeError` on
 * `undefined` or a non-null `!`.
 */

/**
 * The item at `index` of `list` (negative counts from the end, as `Array.prototype.at`);
 * throws, naming `what` and the list's length, when there is none.
 * @example const copy = itemAt(copies, 0, "forwarded copy");
 */
export function itemAt<T>(list: readonly T[], index: number, what = "item"): T {
  const item = list.at(index);
  if (item === undefined) throw new Error(`no ${what} at index ${index}: the list has ${list.length}`);
  return item;
}
