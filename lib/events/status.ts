import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { APPOINTMENT_STATUSES, occurrenceStatuses, occurrenceStatusHistory, type AppointmentStatus } from "@/lib/db/schema";
import { notFound, parseInput } from "@/lib/errors";
import { schedulingTransaction } from "@/lib/resources/booking-guard";
import { parseExactInstant } from "./event-input";
import { loadEventForUpdate, rematerialize } from "./event-store";
import { syncEventAfterCommit } from "./index/sync-event";
import { assertOccurrence } from "./occurrence-slot";
import { formatInZone } from "./time-zones";

export const statusSchema = z
  .object({
    /** The occurrence's `originalStart`; optional for a single event. */
    occurrenceStart: z.string().max(40).optional(),
    status: z.enum(APPOINTMENT_STATUSES, { message: `must be one of ${APPOINTMENT_STATUSES.join(", ")}` }),
    reason: z.string().trim().max(500, "may be at most 500 characters").nullable().optional(),
  })
  .strict()
  .refine((v) => v.status !== "cancelled" || !!v.reason, { message: "A cancellation needs a reason", path: ["reason"] });

export interface StatusChange {
  eventId: string;
  originalStart: string;
  previous: AppointmentStatus;
  status: AppointmentStatus;
  reason: string | null;
}

/**
 * Sets the status of one occurrence (booked, confirmed, checked in, attended, no-show, cancelled with a
 * reason). The status lives in `occurrence_statuses` keyed like an exception, every change is kept in
 * `occurrence_status_history`, and it reaches the feeds through the same write-through as any edit
 * (re-materialise + outbox in the transaction, Redis after the commit). It does not bump the event's
 * `version`: a status change never makes someone's open edit stale. Un-cancelling an occurrence whose
 * clinician or room was booked meanwhile is a 409 `scheduling_conflict`.
 */
export async function setOccurrenceStatus(actor: Actor, eventId: string, input: unknown): Promise<StatusChange> {
  requireStaff(actor, "Only clinic staff can change appointments");
  const data = parseInput(statusSchema, input);
  const reason = data.reason || null;

  const change = await schedulingTransaction(actor.orgId, actor.timeZone, async (tx) => {
    const loaded = await loadEventForUpdate(tx, actor.orgId, eventId);
    const { event } = loaded;
    let slot = event.startAt;
    if (data.occurrenceStart !== undefined || event.rrule) {
      const at = data.occurrenceStart === undefined ? null : parseExactInstant(data.occurrenceStart);
      if (!at) throw notFound("Occurrence");
      if (event.rrule) assertOccurrence(loaded, at);
      else if (at.getTime() !== event.startAt.getTime()) throw notFound("Occurrence");
      slot = at;
    }
    const key = and(eq(occurrenceStatuses.eventId, eventId), eq(occurrenceStatuses.originalStart, slot));
    const [current] = await tx.select().from(occurrenceStatuses).where(key).for("update");
    const previous = current?.status ?? "booked";
    const result: StatusChange = { eventId, originalStart: formatInZone(slot.getTime(), actor.timeZone), previous, status: data.status, reason };
    if (previous === data.status && (current?.reason ?? null) === reason) return { result, changed: false };

    if (data.status === "booked" && !reason) await tx.delete(occurrenceStatuses).where(key);
    else {
      await tx
        .insert(occurrenceStatuses)
        .values({ eventId, originalStart: slot, status: data.status, reason, changedBy: actor.userId })
        .onConflictDoUpdate({
          target: [occurrenceStatuses.eventId, occurrenceStatuses.originalStart],
          set: { status: data.status, reason, changedBy: actor.userId, changedAt: sql`now()` },
        });
    }
    await tx.insert(occurrenceStatusHistory).values({
      orgId: actor.orgId,
      eventId,
      originalStart: slot,
      fromStatus: previous,
      status: data.status,
      reason,
      changedBy: actor.userId,
    });
    await rematerialize(tx, loaded);
    return { result, changed: true };
  });
  if (change.changed) await syncEventAfterCommit(actor.orgId, eventId);
  return change.result;
}

export interface StatusHistoryEntry {
  status: AppointmentStatus;
  previous: AppointmentStatus;
  reason: string | null;
  changedBy: string | null;
  changedAt: string;
}

/** Who changed an occurrence's status, when, from what (newest first); staff only. */
export async function statusHistory(actor: Actor, eventId: string, occurrenceStart: string): Promise<StatusHistoryEntry[]> {
  requireStaff(actor);
  const at = parseExactInstant(occurrenceStart);
  if (!at) throw notFound("Occurrence");
  // Another organisation's event is "not found", not an empty history (the trail outlives deleted events).
  const [event] = await db().$sql`SELECT 1 FROM events WHERE id = ${eventId} AND org_id = ${actor.orgId}`;
  if (!event) throw notFound("Event");
  const rows = await db().$sql<StatusHistoryEntry[]>`
    SELECT h.status, h.from_status AS previous, h.reason, u.name AS "changedBy", iso_local(h.changed_at, ${actor.timeZone}) AS "changedAt"
    FROM occurrence_status_history h LEFT JOIN users u ON u.id = h.changed_by
    WHERE h.org_id = ${actor.orgId} AND h.event_id = ${eventId} AND h.original_start = ${at.toISOString()}
    ORDER BY h.id DESC LIMIT 50`;
  return rows.map((r) => ({ ...r }));
}
