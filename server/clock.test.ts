import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBundle, startTestServer, upload, type TestClient, type TestServer } from "#testing";
import { ManualClock, ownedTimers } from "./clock.ts";
import { Registrations } from "./plugins/context.ts";

const quietLog = { warn() {} };

describe("ManualClock", () => {
  it("runs due timers in order of due time, awaiting async callbacks, with now() at each due time", async () => {
    const clock = new ManualClock(1_000);
    const seen: string[] = [];
    clock.setTimeout(() => void seen.push(`b@${clock.now()}`), 200);
    clock.setTimeout(async () => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(`a@${clock.now()}`);
    }, 100);
    clock.setTimeout(() => void seen.push(`c@${clock.now()}`), 200);
    clock.setInterval(() => void seen.push(`i@${clock.now()}`), 150);
    clock.setTimeout(() => void seen.push("late"), 1_000);
    await clock.advance(300);
    expect(seen).toEqual(["a@1100", "i@1150", "b@1200", "c@1200", "i@1300"]);
    expect(clock.now()).toBe(1_300);
  });

  it("does not run a disposed timer, and runs a timer set by a callback when it falls due in the same advance", async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => void seen.push(-1), 10).dispose();
    clock.setTimeout(() => void clock.setTimeout(() => void seen.push(clock.now()), 30), 10);
    await clock.advance(50);
    expect(seen).toEqual([40]);
    expect(clock.pending).toBe(0);
  });
});

describe("ownedTimers", () => {
  const setup = () => {
    const clock = new ManualClock(0);
    const registrations = new Registrations(quietLog);
    const errors: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const timers = ownedTimers({
      clock,
      track: (d) => registrations.add(d),
      log: { error: (message, fields) => void errors.push({ message, fields }) },
    });
    return { clock, registrations, errors, timers };
  };

  it("is disposed with the plugin's registrations", async () => {
    const { clock, registrations, timers } = setup();
    let ticks = 0;
    let fired = false;
    timers.setInterval(() => void ticks++, 100);
    timers.setTimeout(() => void (fired = true), 1_000);
    expect(registrations.size).toBe(2);
    await clock.advance(250);
    expect(ticks).toBe(2);
    registrations.disposeAll();
    await clock.advance(1_000);
    expect(ticks).toBe(2);
    expect(fired).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it("leaves the registrations once a timeout has fired", async () => {
    const { clock, registrations, timers } = setup();
    timers.setTimeout(() => {}, 10);
    await clock.advance(10);
    expect(registrations.size).toBe(0);
  });

  it("logs a throwing callback and keeps the interval going", async () => {
    const { clock, errors, timers } = setup();
    let runs = 0;
    timers.setInterval(() => {
      runs++;
      throw new Error("boom");
    }, 100);
    timers.setTimeout(async () => Promise.reject(new Error("async boom")), 150);
    await clock.advance(200);
    expect(runs).toBe(2);
    expect(errors).toEqual([
      { message: "interval callback threw", fields: { error: "boom" } },
      { message: "timeout callback threw", fields: { error: "async boom" } },
      { message: "interval callback threw", fields: { error: "boom" } },
    ]);
  });

  it("never overlaps two runs of one interval: a tick during a run is skipped", async () => {
    const clock = new ManualClock(0);
    const registrations = new Registrations(quietLog);
    const timers = ownedTimers({ clock, track: (d) => registrations.add(d), log: { error() {} } });
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release: () => void = () => {};
    timers.setInterval(async () => {
      runs++;
      active++;
      maxActive = Math.max(maxActive, active);
      // The first run waits for the test; the clock's later ticks arrive meanwhile.
      if (runs === 1) await new Promise<void>((r) => (release = r));
      active--;
    }, 10);
    const advancing = clock.advance(10);
    await new Promise((r) => setTimeout(r, 5));
    // A second, concurrent advance brings ticks while the first run is still going.
    await clock.advance(30);
    release();
    await advancing;
    expect(maxActive).toBe(1);
    expect(runs).toBe(1);
    await clock.advance(10);
    expect(runs).toBe(2);
  });
});

describe("ctx.clock and ctx.timers", () => {
  let server: TestServer;
  let admin: TestClient;
  const clock = new ManualClock(Date.UTC(2031, 5, 1));
  const seen: number[] = ((globalThis as { __clockTestTicks?: number[] }).__clockTestTicks = []);

  beforeAll(async () => {
    server = await startTestServer({ clock });
    admin = await server.admin();
  });
  afterAll(async () => server.close());

  it("gives a plugin the host's clock, and stops its timers when it is disabled", async () => {
    const bundle = makeBundle({
      manifest: { id: "ticker", name: "Ticker", version: "1.0.0", server: { entry: "server/index.js" } },
      server:
        "export function activate(ctx) { ctx.timers.setInterval(() => { globalThis.__clockTestTicks.push(ctx.clock.now()); }, 60000); }\n",
    });
    const up = await upload(admin, bundle);
    expect(up.status).toBe(201);
    expect((await admin.post("/api/v4/plugins/ticker/enable")).status).toBe(200);
    const start = clock.now();
    await clock.advance(120_000);
    expect(seen).toEqual([start + 60_000, start + 120_000]);
    expect((await admin.post("/api/v4/plugins/ticker/disable")).status).toBe(200);
    await clock.advance(120_000);
    expect(seen).toHaveLength(2);
  });
});
