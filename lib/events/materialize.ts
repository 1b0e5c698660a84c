import "server-only";
import { and, eq, gte } from "drizzle-orm";
import type { db } from "@/lib/db/client";
import { events, occurrencePatients, occurrences, occurrenceStatuses } from "@/lib/db/schema";
import { logger } from "@/lib/logger";
import { expandOccurrences } from "./recurrence";

type Tx = Parameters<Parameters<ReturnType<typeof db>["transaction"]>[0]>[0];

export type EventRow = typeof events.$inferSelect;

export interface ExceptionRow {
  originalStart: Date;
  cancelled: boolean;
  startAt: Date | null;
  endAt: Date | null;
  title: string | null;
  description: string | null;
  location: string | null;
  patientIds: string[] | null;
  /** Overrides of the series' clinician, room and type for this occurrence (null or absent: the series'). */
  clinicianId?: string | null;
  roomId?: string | null;
  typeId?: string | null;
}

const INSERT_BATCH = 1000;

type OccurrenceRow = typeof occurrences.$inferInsert;
type StatusRow = { originalStart: Date; status: OccurrenceRow["status"]; reason: string | null };

/** The occurrences an event has from `from` up to `until` (exceptions applied, cancelled ones left out). */
export function occurrenceRows(event: EventRow, patientIds: string[], exceptions: ExceptionRow[], from: Date, until: Date, statuses: StatusRow[] = []): OccurrenceRow[] {
  const slots = event.rrule
    ? expandOccurrences(
        { rrule: event.rrule, start: event.startAt, end: event.endAt, timeZone: event.timeZone, allDay: event.allDay },
        from,
        until,
        { limit: 100_000 },
      ).filter((slot) => slot.originalStart >= from)
    : [{ originalStart: event.startAt, start: event.startAt, end: event.endAt }];

  const byOriginal = new Map(exceptions.map((x) => [x.originalStart.getTime(), x]));
  const statusOf = new Map(statuses.map((s) => [s.originalStart.getTime(), s]));
  const rows: OccurrenceRow[] = [];
  for (const slot of slots) {
    const change = byOriginal.get(slot.originalStart.getTime());
    if (change?.cancelled) continue;
    rows.push({
      orgId: event.orgId,
      eventId: event.id,
      originalStart: slot.originalStart,
      startAt: change?.startAt ?? slot.start,
      endAt: change?.endAt ?? slot.end,
      allDay: event.allDay,
      timeZone: event.timeZone,
      title: change?.title ?? event.title,
      description: change?.description ?? event.description,
      location: change?.location ?? event.location,
      patientIds: change?.patientIds ?? patientIds,
      recurring: event.rrule !== null,
      rrule: event.rrule,
      version: event.version,
      clinicianId: change?.clinicianId ?? event.clinicianId,
      roomId: change?.roomId ?? event.roomId,
      typeId: change?.typeId ?? event.typeId,
      status: statusOf.get(slot.originalStart.getTime())?.status ?? "booked",
      statusReason: statusOf.get(slot.originalStart.getTime())?.reason ?? null,
    });
  }
  return rows;
}

const linksOf = (batch: OccurrenceRow[]) =>
  batch.flatMap((row) => row.patientIds.map((patientId) => ({ patientId, startAt: row.startAt, eventId: row.eventId, originalStart: row.originalStart })));

/**
 * The inserts of a new event's occurrences and their per-patient rows (nothing to replace, no statuses
 * yet), as statements for `pipeline`: the create path sends them with the rest of its transaction.
 */
export function newOccurrenceInserts(tx: Tx, event: EventRow, patientIds: string[], until: Date) {
  const rows = occurrenceRows(event, patientIds, [], event.startAt, until);
  const statements = [];
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const batch = rows.slice(i, i + INSERT_BATCH);
    const links = linksOf(batch);
    statements.push(tx.insert(occurrences).values(batch));
    if (links.length) statements.push(tx.insert(occurrencePatients).values(links));
  }
  return statements;
}

/**
 * Rewrites the materialised occurrences of an event from `from` up to `until` (a single event: its one
 * occurrence). Exceptions replace or cancel the occurrences they name.
 */
export async function materializeEvent(
  tx: Tx,
  event: EventRow,
  patientIds: string[],
  exceptions: ExceptionRow[],
  until: Date,
  /** Extend from here (keeping earlier occurrences); without it, every occurrence is rewritten. */
  extendFrom?: Date,
  /**
   * Leave out occurrences that would double-book a clinician or room instead of failing (default: when
   * extending, as reads do; a booking extends strictly so that the conflict is reported).
   */
  skipResourceConflicts = extendFrom !== undefined,
): Promise<number> {
  const from = extendFrom ?? event.startAt;
  await tx
    .delete(occurrences)
    .where(extendFrom ? and(eq(occurrences.eventId, event.id), gte(occurrences.originalStart, extendFrom)) : eq(occurrences.eventId, event.id));
  // Statuses live apart, keyed like exceptions: every rewrite of the series copies them back on.
  const statuses = await tx
    .select({ originalStart: occurrenceStatuses.originalStart, status: occurrenceStatuses.status, reason: occurrenceStatuses.reason })
    .from(occurrenceStatuses)
    .where(extendFrom ? and(eq(occurrenceStatuses.eventId, event.id), gte(occurrenceStatuses.originalStart, extendFrom)) : eq(occurrenceStatuses.eventId, event.id));
  const rows = occurrenceRows(event, patientIds, exceptions, from, until, statuses);
  // Extending past the horizon may meet a booking of the same clinician or room made meanwhile (the write
  // path extends such series first, so only a race gets here): that occurrence is left out, not the read failed.
  const lenient = skipResourceConflicts && rows.some((row) => row.clinicianId || row.roomId);

  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    let batch = rows.slice(i, i + INSERT_BATCH);
    if (lenient) {
      const kept = await tx
        .insert(occurrences)
        .values(batch)
        .onConflictDoNothing()
        .returning({ originalStart: occurrences.originalStart });
      if (kept.length < batch.length) {
        logger().warn({ eventId: event.id, skipped: batch.length - kept.length }, "occurrences overlapping another booking of their clinician or room were not materialised");
        const inserted = new Set(kept.map((k) => k.originalStart.getTime()));
        batch = batch.filter((row) => inserted.has(row.originalStart.getTime()));
      }
    } else {
      await tx.insert(occurrences).values(batch);
    }
    const links = linksOf(batch);
    if (links.length) await tx.insert(occurrencePatients).values(links);
  }

  if (event.rrule) await tx.update(events).set({ materializedUntil: until }).where(eq(events.id, event.id));
  return rows.length;
}
