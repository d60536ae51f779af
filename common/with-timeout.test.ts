import { describe, expect, it } from "vitest";
import { TIMED_OUT, withTimeout } from "./with-timeout.ts";

describe("withTimeout", () => {
  const never = new Promise<string>(() => {});

  it("answers with the value when the promise settles in time", async () => {
    expect(await withTimeout(Promise.resolve("done"), 1000)).toBe("done");
    expect(await withTimeout(Promise.resolve("done"), 1000, "too slow")).toBe("done");
    await expect(withTimeout(Promise.reject(new Error("broke")), 1000)).rejects.toThrow("broke");
  });

  it("resolves with TIMED_OUT, or rejects with the message, when the time is up", async () => {
    expect(await withTimeout(never, 5)).toBe(TIMED_OUT);
    await expect(withTimeout(never, 5, "post_message did not finish within 0.005s")).rejects.toThrow(
      "post_message did not finish within 0.005s",
    );
  });
});
