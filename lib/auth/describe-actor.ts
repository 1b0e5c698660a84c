import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { organizations, users } from "@/lib/db/schema";
import type { Actor } from "./actor";

/** Display names for the page header: the user's own name and their organisation's. */
export async function describeActor(actor: Actor): Promise<{ userName: string; orgName: string }> {
  const [row] = await db()
    .select({ userName: users.name, orgName: organizations.name })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(users.id, actor.userId))
    .limit(1);
  return row ?? { userName: "", orgName: "" };
}
