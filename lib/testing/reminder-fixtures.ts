import "server-only";
import { eq, inArray } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { patients } from "@/lib/db/schema";
import { createTestOrganization, type TestOrganization } from "./test-organization";

/** A test organisation whose patients have e-mail addresses (unique per test run), optionally time zones. */
export async function createReminderOrganization(options: { patients?: number; timeZones?: (string | null)[] } = {}) {
  const org: TestOrganization = await createTestOrganization({ patients: options.patients ?? 2 });
  const emails = org.patients.map((_, i) => `patient${i + 1}-${org.tag}@example.test`);
  for (const [i, p] of org.patients.entries()) {
    await db()
      .update(patients)
      .set({ email: emails[i], timeZone: options.timeZones?.[i] ?? null })
      .where(eq(patients.id, p.id));
  }
  return { org, emails };
}

export async function archivePatients(ids: string[]): Promise<void> {
  await db().update(patients).set({ archivedAt: new Date() }).where(inArray(patients.id, ids));
}

/** Ledger rows of an organisation by status (what the delivery record says happened). */
export async function ledgerOf(orgId: string): Promise<{ id: string; member: string; status: string; attempts: number; message_id: string; last_error: string | null }[]> {
  return db().$sql`
    SELECT id, member, status::text, attempts, message_id, last_error FROM reminder_deliveries WHERE org_id = ${orgId} ORDER BY due_at, member`;
}

/** An ISO instant with offset, whole seconds (what the event API takes). */
export const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

export const MINUTE = 60_000;
