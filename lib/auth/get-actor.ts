import "server-only";
import { unauthorized } from "@/lib/errors";
import type { Actor } from "./actor";
import { sessionIdFromCookie } from "./session-cookie";
import { readSession } from "./session-store";

/**
 * The signed-in actor or null; throws `unavailable` when the session store cannot be asked. The cookie is
 * read as the API guard reads it (next-auth's token, decrypted with next-auth's key and checks), without
 * getServerSession: that derived its keys and re-encrypted a rolled token on every page render, a cookie
 * a server component cannot even set. The Redis record decides, as before.
 */
export async function findActor(): Promise<Actor | null> {
  const sessionId = await sessionIdFromCookie();
  if (!sessionId) return null;
  return readSession(sessionId);
}

/** The session id the request's cookie names (after `authorizeRequest` has checked the session itself). */
export async function getSessionId(): Promise<string> {
  const sessionId = await sessionIdFromCookie();
  if (!sessionId) throw unauthorized();
  return sessionId;
}
