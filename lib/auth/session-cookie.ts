import "server-only";
import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import { cookies } from "next/headers";
import { env } from "@/lib/env";

/**
 * The session id from next-auth's cookie, for the API guard and pages. getServerSession would decrypt the JWT,
 * derive its key (HKDF) twice and re-encrypt a rolled cookie on every request; the JWT carries nothing but
 * the session id, and expiry is the Redis record's business (lib/auth/session-store), so the guard only
 * decrypts it, with the key derived once per secret. Same key, algorithm and tolerance as next-auth 4's
 * `decode` (next-auth/jwt), so every cookie next-auth issued reads the same here.
 */
const INFO = "NextAuth.js Generated Encryption Key";
const CLOCK_TOLERANCE_SECONDS = 15;

let derived: { secret: string; key: Uint8Array } | undefined;

function encryptionKey(secret: string): Uint8Array {
  if (derived?.secret !== secret) derived = { secret, key: new Uint8Array(hkdfSync("sha256", secret, "", INFO, 32)) };
  return derived.key;
}

export function sessionCookieName(): string {
  return env().NEXTAUTH_URL.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

interface Jar {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string; value: string }[];
}

/**
 * A request's Cookie header read as Next's `cookies()` reads it (@edge-runtime/cookies' parseCookie: pairs
 * split on "; ", values URI-decoded, undecodable pairs skipped, the last of a repeated name wins). A route
 * handler has the request at hand; `cookies()` would also build the response's mutable cookie jar, on
 * every API request, for a value only read.
 */
function jarOf(header: string | null): Jar {
  const map = new Map<string, string>();
  for (const pair of (header ?? "").split(/; */)) {
    if (!pair) continue;
    const at = pair.indexOf("=");
    if (at === -1) {
      map.set(pair, "true");
      continue;
    }
    try {
      map.set(pair.slice(0, at), decodeURIComponent(pair.slice(at + 1)));
    } catch {
      // as parseCookie: a value that does not decode is no cookie
    }
  }
  return {
    get: (name) => (map.has(name) ? { value: map.get(name)! } : undefined),
    getAll: () => [...map].map(([name, value]) => ({ name, value })),
  };
}

/**
 * The session id the cookie names, or null (no cookie, a forged or expired token): from the request's
 * Cookie header when given (route handlers), else from Next's `cookies()` (server actions, pages).
 */
export async function sessionIdFromCookie(request?: Request): Promise<string | null> {
  const jar: Jar = request ? jarOf(request.headers.get("cookie")) : await cookies();
  const name = sessionCookieName();
  // next-auth splits tokens over 4 KB into name.0, name.1, …; ours carry only an id, but read both forms.
  const token =
    jar.get(name)?.value ??
    jar
      .getAll()
      .filter((c) => c.name.startsWith(`${name}.`))
      .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)))
      .map((c) => c.value)
      .join("");
  if (!token) return null;
  const known = decrypted.get(token);
  if (known && known.secret === env().NEXTAUTH_SECRET && known.validUntilMs > Date.now()) return known.sid;
  try {
    const { payload } = await jwtDecrypt(token, encryptionKey(env().NEXTAUTH_SECRET), { clockTolerance: CLOCK_TOLERANCE_SECONDS });
    if (typeof payload.sid !== "string") return null;
    if (typeof payload.exp === "number") remember(token, payload.sid, (payload.exp + CLOCK_TOLERANCE_SECONDS) * 1000);
    return payload.sid;
  } catch {
    return null;
  }
}

/**
 * Tokens this process decrypted, so a signed-in user's next requests skip the decryption: the same token
 * always yields the same id, and the entry ends when the token does. Only tokens that decrypted are kept
 * (forged ones cannot fill it); whether the session itself is alive is still asked of Redis every time.
 */
const MAX_TOKENS = 10_000;
const globalForCookies = globalThis as unknown as { cohortDecryptedTokens?: Map<string, { sid: string; secret: string; validUntilMs: number }> };
const decrypted = (globalForCookies.cohortDecryptedTokens ??= new Map());

function remember(token: string, sid: string, validUntilMs: number): void {
  if (decrypted.size >= MAX_TOKENS) decrypted.clear();
  decrypted.set(token, { sid, secret: env().NEXTAUTH_SECRET, validUntilMs });
}
