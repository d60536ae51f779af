/**
 * @module bench/a1-sign-in
 * A1: password guessing from one address. Two servers in this run, one with
 * sign-in throttling off (`SITREP_LOGIN_RATE_PER_ADDRESS=0`,
 * `SITREP_LOGIN_RATE_PER_ACCOUNT=0`, as before the throttle existed) and one
 * with the defaults; each gets wrong passwords for one account, 8 in flight
 * over keep-alive, for a few seconds. An attempt is "accepted" when the server
 * checked the password (a 401); a throttled one is a 429. The target: the
 * throttled server accepts no more than its per-account budget allows in that
 * time (a burst of the rate, then the rate), while the other accepts what the
 * CPU can hash. It prints both, and the settings.
 */
import { loadConfig } from "../server/config.ts";
import type { RunningServer } from "../server/server.ts";
import { startBenchServer, tmpDir, type BenchCase } from "./support.ts";

const SECONDS = 5;
const IN_FLIGHT = 8;

/** Wrong passwords for `loginId` for `SECONDS`; the count of each status. */
async function guess(server: RunningServer, loginId: string): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  const stopAt = Date.now() + SECONDS * 1000;
  const attacker = async () => {
    for (let i = 0; Date.now() < stopAt; i++) {
      const res = await fetch(`${server.url}/api/v4/users/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login_id: loginId, password: `guess-${i}-${Math.random()}` }),
      });
      await res.arrayBuffer();
      counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, attacker));
  return counts;
}

/** Start a server, make the victim's account, and guess at it. */
async function attack(props: { loginRatePerAddress: number; loginRatePerAccount: number }): Promise<Map<number, number>> {
  const tmp = tmpDir("a1");
  const server = await startBenchServer(tmp.dir, undefined, props);
  try {
    const created = await fetch(`${server.url}/api/v4/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "victim", email: "victim@example.com", password: "the-real-password" }),
    });
    if (created.status !== 201) throw new Error(`A1: sign-up answered ${created.status}`);
    return await guess(server, "victim");
  } finally {
    await server.close();
    tmp.remove();
  }
}

export const a1SignIn: BenchCase = {
  id: "A1",
  title: "password guessing from one address, throttled vs not",
  async run() {
    const defaults = loadConfig({});
    const open = await attack({ loginRatePerAddress: 0, loginRatePerAccount: 0 });
    const throttled = await attack({
      loginRatePerAddress: defaults.loginRatePerAddress,
      loginRatePerAccount: defaults.loginRatePerAccount,
    });
    const openAccepted = open.get(401) ?? 0;
    const accepted = throttled.get(401) ?? 0;
    const refused = throttled.get(429) ?? 0;
    const budget = Math.min(defaults.loginRatePerAccount, defaults.loginRatePerAddress);
    const allowed = budget + Math.ceil((budget * SECONDS) / 60);
    const perSecond = (n: number) => (n / SECONDS).toFixed(1);
    return {
      line:
        `A1 sign-in guessing (${IN_FLIGHT} in flight, ${SECONDS}s): unthrottled ${perSecond(openAccepted)} wrong passwords checked/s; ` +
        `throttled (SITREP_LOGIN_RATE_PER_ADDRESS=${defaults.loginRatePerAddress}, SITREP_LOGIN_RATE_PER_ACCOUNT=${defaults.loginRatePerAccount}) ` +
        `${perSecond(accepted)}/s checked (${accepted} in all, target <= ${allowed}), ${perSecond(refused)}/s refused with 429`,
      ratio: openAccepted ? accepted / openAccepted : 0,
      met: accepted <= allowed && refused > 0,
    };
  },
};
