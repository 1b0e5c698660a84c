import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { forbidden, notFound } from "@/lib/errors";
import { keys } from "@/lib/redis/keys";
import { brokerRedis, readDeadLetters, removeDeadLetters, rescheduleAt, type DeadLetter } from "./broker";
import { iso } from "./sql-time";

/** The admin's view of reminders that could not be delivered, and the way to try them again. */
function requireAdmin(actor: Actor): void {
  if (actor.role !== "admin") throw forbidden("Only administrators can see undelivered reminders");
}

export async function listDeadLetters(actor: Actor, count = 100): Promise<DeadLetter[]> {
  requireAdmin(actor);
  return readDeadLetters(actor.orgId, count);
}

/**
 * Puts a dead-lettered reminder back on the schedule for a fresh series of attempts (after the mail
 * server or the address was fixed). Checks still apply: one whose appointment has passed or changed
 * is not sent.
 */
export async function requeueDeadLetter(actor: Actor, entryId: string, now = Date.now()): Promise<void> {
  requireAdmin(actor);
  if (!/^\d+-\d+$/.test(entryId)) throw notFound("Dead letter");
  const entries = (await brokerRedis().xrange(keys.reminderDeadLetters(actor.orgId), entryId, entryId)) as [string, string[]][];
  const fields = entries[0]?.[1];
  if (!fields) throw notFound("Dead letter");
  const id = fields[fields.indexOf("reminder") + 1] ?? "";
  const [row] = await db().$sql<{ member: string }[]>`
    UPDATE reminder_deliveries SET status = 'failed', attempts = 0, next_attempt_at = ${iso(now)}, dead_lettered_at = NULL,
           updated_at = ${iso(now)}
    WHERE id = ${id} AND org_id = ${actor.orgId} AND status = 'dead'
    RETURNING member`;
  if (row) await rescheduleAt(actor.orgId, row.member, now);
  await removeDeadLetters(actor.orgId, [entryId]);
}

export interface LedgerSummary {
  sent: number;
  failed: number;
  dead: number;
  sending: number;
  skipped: number;
}

/** What happened to the organisation's reminders due in the last `days` days (from the ledger). */
export async function ledgerSummary(orgId: string, days = 7, now = Date.now()): Promise<LedgerSummary> {
  const rows = await db().$sql<{ status: keyof LedgerSummary; n: number }[]>`
    SELECT status::text AS status, count(*)::int AS n FROM reminder_deliveries
    WHERE org_id = ${orgId} AND due_at > ${iso(now - days * 86_400_000)}
    GROUP BY status`;
  const summary: LedgerSummary = { sent: 0, failed: 0, dead: 0, sending: 0, skipped: 0 };
  for (const row of rows) summary[row.status] = row.n;
  return summary;
}
