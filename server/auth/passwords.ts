/**
 * @module auth/passwords
 * Password hashes (argon2id) and their check. A sign-in checks exactly one
 * hash whatever the login id names — the account's, or for an unknown login
 * id or a bot (which has no password) {@link DUMMY_PASSWORD_HASH} — so an
 * unknown user, a wrong password and a deactivated account given a wrong
 * password cost the same work and get the same answer.
 */
import { hash, verify } from "@node-rs/argon2";

/**
 * Checks a password against a stored hash. The host's is {@link verifyPassword};
 * a test gives its own through `Config.passwordVerifier` to see which hashes a
 * sign-in checked.
 */
export type PasswordVerifier = (passwordHash: string, password: string) => Promise<boolean>;

/**
 * An argon2id hash of a random password nobody knows, with the parameters
 * {@link hashPassword} uses (passwords.test.ts holds them equal), checked
 * when a sign-in names no account with a password.
 */
export const DUMMY_PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$XGFvQx/R8rYjcCuyO6snmg$thdXexoddYbzxax0Tde/CL7rBBck/TnlFsfiMbMYYQQ";

/** An argon2id hash of a new password. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: 2 /* Argon2id */ });
}

/** Whether `password` matches `passwordHash`; false for an empty or malformed hash. */
export const verifyPassword: PasswordVerifier = async (passwordHash, password) => {
  if (!passwordHash) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
};
