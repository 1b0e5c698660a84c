import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { writeTransaction } from "@/lib/reliability/deadline";
import type { Tx } from "@/lib/events/event-store";
import type { SchedulingConflict } from "@/lib/events/types";

/** SQLSTATE of an exclusion-constraint violation, and of the transient failures worth one retry. */
const EXCLUSION_VIOLATION = "23P01";
const RETRYABLE = new Set(["40P01", "40001"]);
const CONSTRAINTS: Record<string, "clinician" | "room"> = {
  occurrences_clinician_no_overlap: "clinician",
  occurrences_room_no_overlap: "room",
};

interface PgError {
  code?: string;
  detail?: string;
  constraint_name?: string;
}

/** The driver's error under drizzle's wrapper (DrizzleQueryError keeps it as `cause`). */
function pgErrorOf(error: unknown): PgError | null {
  for (let e = error as { cause?: unknown } | null, depth = 0; e && depth < 5; e = e.cause as typeof e, depth += 1) {
    if (typeof (e as PgError).code === "string") return e as PgError;
  }
  return null;
}

/**
 * Runs a write that may book clinicians or rooms. Postgres' exclusion constraints decide who gets a slot
 * (of concurrent bookings exactly one commits); this is the one place their violation becomes a 409
 * `scheduling_conflict` naming the occurrence that holds the slot. A deadlock between two writers that
 * extend each other's series is retried once. The transaction has the write deadline of every engine write
 * (lib/reliability/deadline.ts).
 */
export async function schedulingTransaction<T>(orgId: string, timeZone: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await writeTransaction(work);
    } catch (error) {
      const pg = pgErrorOf(error);
      if (pg?.code === EXCLUSION_VIOLATION && pg.constraint_name && CONSTRAINTS[pg.constraint_name]) {
        throw await resourceConflict(orgId, timeZone, CONSTRAINTS[pg.constraint_name]!, pg.detail ?? "");
      }
      if (pg?.code && RETRYABLE.has(pg.code) && attempt === 0) continue;
      throw error;
    }
  }
}

// "… conflicts with existing key (clinician_id, tstzrange(start_at, end_at))=(<uuid>, ["…","…"))."
const EXISTING_KEY = /existing key \([^)]*\)\)=\(([0-9a-f-]{36}), (.+)\)\.?$/;

async function resourceConflict(orgId: string, timeZone: string, resource: "clinician" | "room", detail: string): Promise<AppError> {
  const label = resource === "clinician" ? "clinician" : "room";
  const match = EXISTING_KEY.exec(detail);
  let conflicts: SchedulingConflict[] = [];
  if (match) {
    const sql = db().$sql;
    const column = sql(resource === "clinician" ? "clinician_id" : "room_id");
    // The range comes back as Postgres wrote it (in the session's zone): Postgres reads it back.
    const rows = await sql<SchedulingConflict[]>`
      SELECT event_id AS "eventId", title, iso_local(start_at, ${timeZone}) AS start, iso_local(end_at, ${timeZone}) AS "end",
             patient_ids AS "patientIds"
      FROM occurrences
      WHERE org_id = ${orgId} AND ${column} = ${match[1]!} AND tstzrange(start_at, end_at) && ${match[2]!}::tstzrange
        AND status <> 'cancelled' AND NOT all_day
      ORDER BY start_at LIMIT 10`;
    conflicts = rows.map((r) => ({ ...r, resource }));
  }
  const first = conflicts[0];
  // Staff see which appointment holds the slot (the body goes to them, never to the logs).
  const holder = first ? `: “${first.title}” ${first.start.slice(0, 10)} ${first.start.slice(11, 16)}–${first.end.slice(11, 16)}` : "";
  return new AppError("scheduling_conflict", `The ${label} is already booked at that time${holder}`, { conflicts, resource });
}
