/**
 * @module ids
 * Identifiers in Mattermost's shape: 26 lowercase base32 characters.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769"; // Mattermost's base32 alphabet

/** A new random 26-character id, as Mattermost's `model.NewId()`. */
export function newId(): string {
  const bytes = randomBytes(17);
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** True when `value` has the shape of an id made by {@link newId}. */
export function isId(value: unknown): value is string {
  return typeof value === "string" && /^[a-z0-9]{26}$/.test(value);
}

/** A random secret for tokens: 26 id characters, 130 bits. */
export function newToken(): string {
  return newId();
}
