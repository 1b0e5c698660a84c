import "server-only";
import { sql } from "drizzle-orm";
import { MAX_OCCURRENCE_DAYS } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { Tx } from "./event-store";
import type { SchedulingConflict } from "./types";

const LIMIT = 50;

/**
 * Other events' occurrences that overlap the given events' occurrences for a shared patient (from now on:
 * past double bookings are history, not a warning). Runs inside the writing transaction, after the new
 * occurrences are materialised, so it sees exactly what would be committed.
 */
export async function findConflicts(tx: Tx, eventIds: string[], timeZone: string, now = new Date()): Promise<SchedulingConflict[]> {
  return [...(await tx.execute<SchedulingConflict & Record<string, unknown>>(conflictsQuery(eventIds, timeZone, now)))];
}

/** findConflicts' statement (its rows are the conflicts), for a write path that pipelines it. */
export function conflictsQuery(eventIds: string[], timeZone: string, now = new Date()) {
  const ids = sql`ARRAY[${sql.join(eventIds.map((id) => sql`${id}::uuid`), sql`, `)}]`;
  return sql`
    SELECT DISTINCT ON (o2.start_at, o2.event_id) o2.event_id AS "eventId", o2.title,
           iso_local(o2.start_at, ${timeZone}) AS start, iso_local(o2.end_at, ${timeZone}) AS "end",
           o2.patient_ids AS "patientIds"
    FROM occurrences o1
    JOIN occurrence_patients op1 ON op1.event_id = o1.event_id AND op1.original_start = o1.original_start
    JOIN occurrence_patients op2 ON op2.patient_id = op1.patient_id
      AND op2.start_at < o1.end_at
      AND op2.start_at > o1.start_at - ${`${MAX_OCCURRENCE_DAYS} days`}::interval
      AND op2.event_id <> ALL(${ids})
    JOIN occurrences o2 ON o2.event_id = op2.event_id AND o2.original_start = op2.original_start AND o2.end_at > o1.start_at
      AND o2.status <> 'cancelled'
    WHERE o1.event_id = ANY(${ids}) AND o1.end_at > ${now.toISOString()} AND o1.status <> 'cancelled'
    ORDER BY o2.start_at, o2.event_id
    LIMIT ${LIMIT}`;
}

export function schedulingConflict(conflicts: SchedulingConflict[]): AppError {
  return new AppError(
    "scheduling_conflict",
    `${conflicts.length === LIMIT ? `${LIMIT} or more` : conflicts.length} other appointment(s) of the same patient(s) overlap; send allowConflicts: true to book anyway`,
    { conflicts },
  );
}
