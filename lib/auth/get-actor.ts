import "server-only";
import { getServerSession } from "next-auth/next";
import type { Actor } from "./actor";
import { authOptions } from "./options";
import { readSession } from "./session-store";

/** The signed-in actor or null; throws `unavailable` when the session store cannot be asked. */
export async function findActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions());
  if (!session?.sid) return null;
  return readSession(session.sid);
}
