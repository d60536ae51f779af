/**
 * The workspace flags of `Caches` (what `GET /api/v4/config/client` asks on
 * every anonymous page load): read once, held, and dropped by the
 * invalidations that may change them — in another process too. Two `Caches`
 * on one bus stand for two processes on one PostgreSQL (a `LocalBus`
 * delivers to both, as LISTEN/NOTIFY does).
 */
import { describe, expect, it } from "vitest";
import { LocalBus } from "../realtime/bus.ts";
import { Caches } from "./caches.ts";

/** A read of a flag that counts its calls and answers `value()`. */
function counted(value: () => boolean) {
  const read = {
    calls: 0,
    async fn() {
      read.calls += 1;
      return value();
    },
  };
  return read;
}

describe("the workspace flags", () => {
  it("reads a flag once and holds it, until a user invalidation from another process drops it", async () => {
    const bus = new LocalBus();
    const [here, elsewhere] = [new Caches(bus), new Caches(bus)];
    let open = true;
    const read = counted(() => open);
    expect([await here.flag("passwordLoginOpen", read.fn), await here.flag("passwordLoginOpen", read.fn)]).toEqual([true, true]);
    expect(read.calls).toBe(1);
    open = false;
    elsewhere.invalidate({ kind: "user", id: "u1" });
    expect(await here.flag("passwordLoginOpen", read.fn)).toBe(false);
    expect(read.calls).toBe(2);
  });

  it("holds hasUsers only once it is true, and an invalidation does not drop it", async () => {
    const caches = new Caches(new LocalBus());
    let users = 0;
    const read = counted(() => users > 0);
    const flag = () => caches.flag("hasUsers", read.fn, (hasUsers) => hasUsers);
    expect([await flag(), await flag()]).toEqual([false, false]);
    expect(read.calls).toBe(2);
    users = 1;
    expect([await flag(), await flag()]).toEqual([true, true]);
    expect(read.calls).toBe(3);
    caches.invalidate({ kind: "user", id: "u1" });
    expect(await flag()).toBe(true);
    expect(read.calls).toBe(3);
  });

  it("does not hold a read that an invalidation overtook, and drops every flag after a bus gap", async () => {
    const caches = new Caches(new LocalBus());
    let release = () => {};
    const slow = caches.flag("passwordLoginOpen", () => new Promise<boolean>((resolve) => (release = () => resolve(true))));
    caches.invalidate({ kind: "user", id: "u1" }); // e.g. a provider admin linked while the read ran
    release();
    expect(await slow).toBe(true);
    const read = counted(() => false);
    expect(await caches.flag("passwordLoginOpen", read.fn)).toBe(false);
    expect(read.calls).toBe(1);
    caches.invalidate({ kind: "everything" });
    expect(await caches.flag("passwordLoginOpen", read.fn)).toBe(false);
    expect(read.calls).toBe(2);
  });
});
