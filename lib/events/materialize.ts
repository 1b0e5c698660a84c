import "server-only";
import { and, eq, gte } from "drizzle-orm";
import type { db } from "@/lib/db/client";
import { events, occurrencePatients, occurrences } from "@/lib/db/schema";
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
}

const INSERT_BATCH = 1000;

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
): Promise<number> {
  const from = extendFrom ?? event.startAt;
  await tx
    .delete(occurrences)
    .where(extendFrom ? and(eq(occurrences.eventId, event.id), gte(occurrences.originalStart, extendFrom)) : eq(occurrences.eventId, event.id));

  const slots = event.rrule
    ? expandOccurrences(
        { rrule: event.rrule, start: event.startAt, end: event.endAt, timeZone: event.timeZone, allDay: event.allDay },
        from,
        until,
        { limit: 100_000 },
      ).filter((slot) => slot.originalStart >= from)
    : [{ originalStart: event.startAt, start: event.startAt, end: event.endAt }];

  const byOriginal = new Map(exceptions.map((x) => [x.originalStart.getTime(), x]));
  const rows: (typeof occurrences.$inferInsert)[] = [];
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
    });
  }

  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const batch = rows.slice(i, i + INSERT_BATCH);
    await tx.insert(occurrences).values(batch);
    const links = batch.flatMap((row) =>
      row.patientIds.map((patientId) => ({
        patientId,
        startAt: row.startAt,
        eventId: row.eventId,
        originalStart: row.originalStart,
      })),
    );
    if (links.length) await tx.insert(occurrencePatients).values(links);
  }

  if (event.rrule) await tx.update(events).set({ materializedUntil: until }).where(eq(events.id, event.id));
  return rows.length;
}
