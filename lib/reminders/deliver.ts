import "server-only";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { acknowledge, addDeadLetter, rescheduleAt, unschedule, type StreamMessage } from "./broker";
import { decodeMember, messageIdFor, reminderId, type ReminderRef } from "./identity";
import { loadReminder } from "./load";
import { describeFailure, isPermanentFailure, type Mailer } from "./mailer";
import { countReminder, noteDeliveryLag } from "./stats";
import { iso } from "./sql-time";

/**
 * Delivers one stream message, exactly once per reminder whatever the number of workers, retries and
 * crashes: the reminder is claimed in Postgres (its ledger row, keyed by the reminder's identity) with a
 * lease before anything is sent, and the stream message is acknowledged only once the ledger says how it
 * ended. A worker that dies while holding the lease leaves the message pending; whoever reclaims it
 * (XAUTOCLAIM) takes the reminder over once the lease ran out and sends it again with the same
 * Message-ID: at most a duplicate that mail clients show once, and only when the first worker died
 * inside the SMTP transaction.
 */
export interface DeliveryContext {
  consumer: string;
  now: () => number;
  mailer: Mailer;
  fromAddress: string;
  /** How long a claim stays this worker's; keep it longer than an SMTP attempt can take. */
  leaseMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export type Outcome = "sent" | "retry" | "dead" | "skipped" | "dropped" | "busy" | "done" | "later";

/** Exponential backoff with a little jitter, so failures of many reminders do not retry in lockstep. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const plain = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(plain * (1 + 0.1 * random()));
}

export async function deliver(ctx: DeliveryContext, message: StreamMessage): Promise<Outcome> {
  const outcome = await settle(ctx, message);
  if (outcome !== "busy") await acknowledge(message.streamId);
  countReminder(outcome);
  return outcome;
}

async function settle(ctx: DeliveryContext, { orgId, member }: StreamMessage): Promise<Outcome> {
  const ref = decodeMember(member);
  if (!ref || !/^[0-9a-f-]{36}$/.test(orgId)) {
    logger().error({ member: member.slice(0, 120) }, "unreadable reminder message dropped");
    return "dropped";
  }
  const now = ctx.now();
  const id = reminderId(orgId, member);
  const loaded = await loadReminder(orgId, ref, now);

  if (loaded.state === "invalid") {
    // Cancelled, moved, patient removed: nothing to send, and nothing to record (it no longer exists).
    await unschedule(orgId, member);
    return "dropped";
  }
  if (loaded.state === "early") {
    await rescheduleAt(orgId, member, loaded.dueMs);
    return "later";
  }
  if (loaded.state === "superseded") {
    await db().$sql`
      INSERT INTO reminder_deliveries (id, org_id, member, kind, due_at, status, message_id)
      VALUES (${id}, ${orgId}, ${member}, ${ref.kind}, ${iso(loaded.dueMs)}, 'skipped', ${messageIdFor(id, ctx.fromAddress)})
      ON CONFLICT (id) DO NOTHING`;
    await unschedule(orgId, member);
    return "skipped";
  }
  if (loaded.state === "expired") {
    const [row] = await db().$sql<{ attempts: number }[]>`SELECT attempts FROM reminder_deliveries WHERE id = ${id} AND status IN ('failed', 'sending')`;
    if (!row) {
      await unschedule(orgId, member);
      return "dropped";
    }
    await bury(ctx, orgId, id, ref, member, loaded.dueMs, row.attempts, "not delivered before the appointment began");
    return "dead";
  }

  const messageId = messageIdFor(id, ctx.fromAddress);
  const claim = await db().$sql<{ attempts: number }[]>`
    INSERT INTO reminder_deliveries (id, org_id, member, kind, due_at, status, attempts, lease_owner, lease_until, message_id, updated_at)
    VALUES (${id}, ${orgId}, ${member}, ${ref.kind}, ${iso(loaded.dueMs)}, 'sending', 1, ${ctx.consumer},
            ${iso(now + ctx.leaseMs)}, ${messageId}, ${iso(now)})
    ON CONFLICT (id) DO UPDATE SET status = 'sending', attempts = reminder_deliveries.attempts + 1,
        lease_owner = excluded.lease_owner, lease_until = excluded.lease_until, updated_at = excluded.updated_at
      WHERE (reminder_deliveries.status = 'failed' AND reminder_deliveries.next_attempt_at <= ${iso(now)})
         OR (reminder_deliveries.status = 'sending' AND reminder_deliveries.lease_until <= ${iso(now)})
    RETURNING attempts`;
  if (claim.length === 0) return notClaimed(ctx, orgId, id, ref, member);
  const attempts = claim[0]!.attempts;
  if (attempts > ctx.maxAttempts) {
    // Only reached when workers kept dying while delivering it: stop before it takes more of them down.
    await bury(ctx, orgId, id, ref, member, loaded.dueMs, attempts - 1, "delivery kept being interrupted");
    return "dead";
  }

  try {
    await ctx.mailer.send({
      to: loaded.to,
      fromName: loaded.fromName,
      fromAddress: ctx.fromAddress,
      subject: loaded.mail.subject,
      text: loaded.mail.text,
      ics: loaded.mail.ics,
      messageId,
      date: new Date(loaded.dueMs),
      logAs: { reminderId: id, kind: ref.kind, orgId, dueAt: new Date(loaded.dueMs).toISOString() },
    });
  } catch (error) {
    const reason = describeFailure(error);
    if (isPermanentFailure(error) || attempts >= ctx.maxAttempts) {
      await bury(ctx, orgId, id, ref, member, loaded.dueMs, attempts, reason);
      return "dead";
    }
    const next = now + backoffMs(attempts, ctx.backoffBaseMs, ctx.backoffMaxMs);
    await db().$sql`
      UPDATE reminder_deliveries SET status = 'failed', next_attempt_at = ${iso(next)}, lease_owner = NULL, lease_until = NULL,
             last_error = ${reason}, updated_at = ${iso(ctx.now())}
      WHERE id = ${id}`;
    await rescheduleAt(orgId, member, next);
    logger().warn({ reminderId: id, orgId, attempts, reason }, "reminder delivery failed; will retry");
    return "retry";
  }

  await db().$sql`
    UPDATE reminder_deliveries SET status = 'sent', sent_at = ${iso(ctx.now())}, lease_owner = NULL, lease_until = NULL,
           last_error = NULL, updated_at = ${iso(ctx.now())}
    WHERE id = ${id}`;
  await unschedule(orgId, member);
  noteDeliveryLag(ctx.now() - loaded.dueMs);
  return "sent";
}

/** The ledger already has this reminder and it is not ours to send now: why not, and what to do. */
async function notClaimed(ctx: DeliveryContext, orgId: string, id: string, ref: ReminderRef, member: string): Promise<Outcome> {
  const [row] = await db().$sql<
    { status: string; next_ms: string | null; attempts: number; due_ms: string; buried: boolean; last_error: string | null }[]
  >`
    SELECT status::text, last_error, (extract(epoch FROM next_attempt_at) * 1000)::bigint::text AS next_ms, attempts,
           (extract(epoch FROM due_at) * 1000)::bigint::text AS due_ms, dead_lettered_at IS NOT NULL AS buried
    FROM reminder_deliveries WHERE id = ${id}`;
  if (!row) return "busy";
  if (row.status === "failed") {
    await rescheduleAt(orgId, member, Number(row.next_ms));
    return "later";
  }
  // Another worker holds a live lease: leave this message pending; if that worker dies, it is reclaimed.
  if (row.status === "sending") return "busy";
  // Dead but its dead letter never written (the worker stopped in between): finish the job.
  if (row.status === "dead" && !row.buried) await bury(ctx, orgId, id, ref, member, Number(row.due_ms), row.attempts, row.last_error ?? "delivery failed");
  await unschedule(orgId, member);
  return "done";
}

/** Final failure: recorded in Postgres first, then in the organisation's dead-letter stream for its admins. */
async function bury(ctx: DeliveryContext, orgId: string, id: string, ref: ReminderRef, member: string, dueMs: number, attempts: number, reason: string) {
  await db().$sql`
    INSERT INTO reminder_deliveries (id, org_id, member, kind, due_at, status, attempts, last_error, message_id, updated_at)
    VALUES (${id}, ${orgId}, ${member}, ${ref.kind}, ${iso(dueMs)}, 'dead', ${attempts}, ${reason},
            ${messageIdFor(id, ctx.fromAddress)}, ${iso(ctx.now())})
    ON CONFLICT (id) DO UPDATE SET status = 'dead', lease_owner = NULL, lease_until = NULL, attempts = excluded.attempts,
        last_error = excluded.last_error, updated_at = excluded.updated_at`;
  await addDeadLetter(orgId, {
    reminderId: id,
    kind: ref.kind,
    dueAt: new Date(dueMs).toISOString(),
    attempts,
    reason,
    at: new Date(ctx.now()).toISOString(),
  });
  await db().$sql`UPDATE reminder_deliveries SET dead_lettered_at = ${iso(ctx.now())} WHERE id = ${id}`;
  await unschedule(orgId, member);
  logger().warn({ reminderId: id, orgId, kind: ref.kind, attempts }, "reminder dead-lettered");
}
