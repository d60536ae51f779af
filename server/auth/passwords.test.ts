/**
 * The dummy hash costs what a real one does: the same algorithm and
 * parameters as a password hashed now, and no password matches it.
 */
import { describe, expect, it } from "vitest";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "./passwords.ts";

/** `$argon2id$v=19$m=19456,t=2,p=1$` — everything but the salt and the digest. */
const parameters = (hash: string) => hash.split("$").slice(0, 4).join("$");

describe("passwords", () => {
  it("hash with the dummy hash's algorithm and parameters, so checking it takes as long", async () => {
    const fresh = await hashPassword("some-password");
    expect(parameters(DUMMY_PASSWORD_HASH)).toBe(parameters(fresh));
    expect(parameters(fresh)).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+$/);
  });

  it("check a password against its hash, and nothing against the dummy hash, an empty or a malformed one", async () => {
    const stored = await hashPassword("right-password");
    expect(await verifyPassword(stored, "right-password")).toBe(true);
    expect(await verifyPassword(stored, "wrong-password")).toBe(false);
    for (const guess of ["", "password", "right-password", "sitrep"]) expect(await verifyPassword(DUMMY_PASSWORD_HASH, guess)).toBe(false);
    expect(await verifyPassword("", "right-password")).toBe(false);
    expect(await verifyPassword("$argon2id$nonsense", "right-password")).toBe(false);
  });
});
