import "server-only";
import { getServerSession } from "next-auth/next";
import { unauthorized } from "@/lib/errors";
import type { Actor } from "./actor";
import { authOptions } from "./options";
import { readSession } from "./session-store";

/** The signed-in actor or null; throws `unavailable` when the session store cannot be asked. */
export async function findActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions());
  if (!session?.sid) return null;
  return readSession(session.sid);
}

export async function getActor(): Promise<Actor> {
  const actor = await findActor();
  if (!actor) throw unauthorized();
  return actor;
}

/** The session id the request's cookie names (after `authorizeRequest` has checked the session itself). */
export async function getSessionId(): Promise<string> {
  const session = await getServerSession(authOptions());
  if (!session?.sid) throw unauthorized();
  return session.sid;
}
