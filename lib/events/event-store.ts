import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/lib/db/client";
import { eventExceptions, eventPatients, events, indexOutbox, organizations, patients } from "@/lib/db/schema";
import { AppError, notFound } from "@/lib/errors";
import { horizonFrom } from "./horizon";
import type { Statement } from "@/lib/db/pipeline";
import { materializeEvent, newOccurrenceInserts, type EventRow, type ExceptionRow } from "./materialize";
import { expandOccurrences, parseRrule } from "./recurrence";

export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface LoadedEvent {
  event: EventRow;
  patientIds: string[];
  exceptions: ExceptionRow[];
}

/**
 * The event with its patients and exceptions, locked for this transaction; 404 outside the organisation.
 * With the version its author saw, a stale edit is refused (409) before it queues for the row lock:
 * versions only grow, so under a storm of conflicting edits the losers do not wait for the winner.
 */
export async function loadEventForUpdate(tx: Tx, orgId: string, eventId: string, seenVersion?: number): Promise<LoadedEvent> {
  if (seenVersion !== undefined) {
    const [current] = await tx.select({ version: events.version }).from(events).where(and(eq(events.id, eventId), eq(events.orgId, orgId)));
    if (current && current.version !== seenVersion) throw versionConflict(current.version);
  }
  const [event] = await tx
    .select()
    .from(events)
    .where(and(eq(events.id, eventId), eq(events.orgId, orgId)))
    .for("update");
  if (!event) throw notFound("Event");
  const links = await tx.select({ id: eventPatients.patientId }).from(eventPatients).where(eq(eventPatients.eventId, eventId));
  const exceptions = await tx.select().from(eventExceptions).where(eq(eventExceptions.eventId, eventId));
  return { event, patientIds: links.map((l) => l.id), exceptions };
}

/** Every id must be an active patient of the organisation; foreign ids are "not found" like unknown ones. */
export async function assertPatientsInOrg(tx: Tx, orgId: string, patientIds: string[]): Promise<void> {
  if ((await patientsInOrg(tx, orgId, patientIds)).length !== new Set(patientIds).size) throw notFound("Patient");
}

/** The ids among `patientIds` that are active patients of the organisation (one row each). */
export const patientsInOrg = (tx: Tx, orgId: string, patientIds: string[]) =>
  tx
    .select({ id: patients.id })
    .from(patients)
    .where(and(eq(patients.orgId, orgId), inArray(patients.id, patientIds), sql`${patients.archivedAt} IS NULL`));

/** What the index may hold for an event now: its occurrences' starts and patients (for the outbox). */
export async function currentOccurrences(tx: Tx, eventId: string): Promise<[number, string[]][]> {
  const rows = await tx.execute<{ start_ms: string; patient_ids: string[] }>(
    sql`SELECT (extract(epoch FROM start_at) * 1000)::bigint::text AS start_ms, patient_ids FROM occurrences WHERE event_id = ${eventId}`,
  );
  return rows.map((r) => [Number(r.start_ms), r.patient_ids]);
}

/** The end of the last occurrence of a bounded series; null when the rule never ends. */
export function seriesEndOf(event: Pick<EventRow, "rrule" | "startAt" | "endAt" | "timeZone" | "allDay">): Date | null {
  if (!event.rrule) return event.endAt;
  const rule = parseRrule(event.rrule);
  if (rule.count === null && rule.until === null) return null;
  const input = { rrule: event.rrule, start: event.startAt, end: event.endAt, timeZone: event.timeZone, allDay: event.allDay };
  const all = expandOccurrences(input, event.startAt, new Date(Date.UTC(9999, 0, 1)), { limit: 100_000 });
  return all.at(-1)?.end ?? event.endAt;
}

/**
 * Replaces the event's materialised occurrences with what its current row, patients and exceptions say,
 * bumps its index revision, and queues the index work in the outbox: all in the caller's transaction.
 */
export async function rematerialize(tx: Tx, loaded: LoadedEvent, now = new Date()): Promise<EventRow> {
  const previous = await currentOccurrences(tx, loaded.event.id);
  const [event] = await tx
    .update(events)
    .set({ revision: sql`${events.revision} + 1`, seriesEnd: seriesEndOf(loaded.event), updatedAt: now })
    .where(eq(events.id, loaded.event.id))
    .returning();
  const until = new Date(Math.max(initialUntil(event!.startAt, now).getTime(), event!.materializedUntil?.getTime() ?? 0));
  await materializeEvent(tx, event!, loaded.patientIds, loaded.exceptions, until);
  await noteLongestOccurrence(tx, event!);
  await tx.insert(indexOutbox).values({ orgId: event!.orgId, eventId: event!.id, version: event!.revision, previous });
  return event!;
}

/** How far a new series is materialised: the rolling horizon, and at least four weeks past its start. */
export function initialUntil(startAt: Date, now = new Date()): Date {
  return new Date(Math.max(horizonFrom(now).getTime(), startAt.getTime() + 28 * 86_400_000));
}

/**
 * Everything that writes a new event (built in memory with revision 1, its `seriesEnd` and for a series
 * `materializedUntil = initialUntil(startAt)`), as statements for `pipeline`, in the order they must run:
 * the event, its patients, its occurrences, the organisation's longest occurrence, the outbox row.
 */
export function newEventStatements(tx: Tx, event: EventRow, patientIds: string[]): Statement[] {
  return [
    // The timestamps are Postgres' own (its clock, as for every other row).
    tx.insert(events).values({ ...event, createdAt: undefined, updatedAt: undefined }),
    tx.insert(eventPatients).values(patientIds.map((patientId) => ({ eventId: event.id, patientId }))),
    ...newOccurrenceInserts(tx, event, patientIds, event.materializedUntil ?? initialUntil(event.startAt)),
    longestOccurrenceUpdate(event),
    tx.insert(indexOutbox).values({ orgId: event.orgId, eventId: event.id, version: event.revision, previous: [] }),
  ];
}

/** Keeps the organisation's longest occurrence current (the index's look-back depends on it). */
async function noteLongestOccurrence(tx: Tx, event: EventRow): Promise<void> {
  await tx.execute(longestOccurrenceUpdate(event));
}

const longestOccurrenceUpdate = (event: EventRow) => sql`
    UPDATE ${organizations} SET max_occurrence_ms = m.longest
    FROM (SELECT coalesce(max(extract(epoch FROM end_at - start_at) * 1000), 0)::bigint AS longest
          FROM occurrences WHERE event_id = ${event.id}) AS m
    WHERE ${organizations.id} = ${event.orgId} AND ${organizations.maxOccurrenceMs} < m.longest`;

/** Removes an event and queues its tombstone. */
export async function removeEvent(tx: Tx, event: EventRow): Promise<void> {
  const previous = await currentOccurrences(tx, event.id);
  await tx.delete(events).where(eq(events.id, event.id));
  await tx.insert(indexOutbox).values({ orgId: event.orgId, eventId: event.id, version: event.revision + 1, deleted: true, previous });
}

export async function replacePatients(tx: Tx, eventId: string, patientIds: string[]): Promise<void> {
  await tx.delete(eventPatients).where(eq(eventPatients.eventId, eventId));
  await tx.insert(eventPatients).values(patientIds.map((patientId) => ({ eventId, patientId })));
}

export async function replaceExceptions(tx: Tx, eventId: string, exceptions: ExceptionRow[]): Promise<void> {
  await tx.delete(eventExceptions).where(eq(eventExceptions.eventId, eventId));
  if (exceptions.length) await tx.insert(eventExceptions).values(exceptions.map((x) => ({ ...x, eventId })));
}

export const versionConflict = (current: number) =>
  new AppError("version_conflict", "This event was changed by someone else; reload it and try again", { currentVersion: current });
