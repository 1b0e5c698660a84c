import "server-only";
import { hash, verify } from "@node-rs/argon2";

// @node-rs/argon2 defaults to argon2id with OWASP-recommended memory and time costs.
export const hashPassword = (password: string) => hash(password);

// Verifying against a fixed hash when the account is unknown keeps response times alike for both cases.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hash("no-such-account-placeholder");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

/** The password hash of an account whose owner has not chosen a password yet (invited, or reset): nothing matches it. */
export const INVITED_PASSWORD_HASH = "!invited";
