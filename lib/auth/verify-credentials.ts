import "server-only";
import { eq, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { organizations, users } from "@/lib/db/schema";
import type { Actor } from "./actor";
import { verifyPassword } from "./passwords";

/** The actor for a correct email and password of an enabled account; null otherwise (never says which). */
export async function verifyCredentials(email: string, password: string): Promise<Actor | null> {
  const [row] = await db()
    .select({
      userId: users.id,
      orgId: users.orgId,
      role: users.role,
      patientId: users.patientId,
      passwordHash: users.passwordHash,
      disabledAt: users.disabledAt,
      timeZone: sql<string>`coalesce(${users.timeZone}, ${organizations.timeZone})`,
      orgTimeZone: organizations.timeZone,
    })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  const ok = await verifyPassword(row?.passwordHash ?? null, password);
  if (!row || !ok || row.disabledAt) return null;
  const { userId, orgId, role, patientId, timeZone, orgTimeZone } = row;
  return { userId, orgId, role, patientId, timeZone, orgTimeZone };
}
