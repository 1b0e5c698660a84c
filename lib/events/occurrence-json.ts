import "server-only";
import type { PendingQuery, Row } from "postgres";
import type { db } from "@/lib/db/client";

export type Sql = ReturnType<typeof db>["$sql"];
export type Fragment = PendingQuery<Row[]>;

/**
 * The JSON text of one occurrence (alias `o` of `occurrences`), times formatted in `timeZone`. The feed
 * from Postgres and the fragments stored in the Redis index are both built by this one expression, so
 * the two paths answer byte-identical JSON. `status` is always present ("booked" by default); a patient's
 * own feed never holds a cancelled occurrence (`"status":"cancelled"` is matched as is by read-window.lua).
 *
 * Asked in the occurrence's own zone (the common case: events are anchored in the organisation's zone)
 * the stored `feed_json` is the answer; otherwise `occurrence_json` (drizzle/0012) formats it, inlined.
 */
export function occurrenceJson(sql: Sql, timeZone: string | Fragment, patientIds?: Fragment): Fragment {
  const built = sql`occurrence_json(o.event_id, o.original_start, o.title, o.start_at, o.end_at, o.all_day, o.time_zone,
    ${patientIds ?? sql`o.patient_ids`}, o.recurring, o.rrule, o.version, o.description, o.location, o.clinician_id,
    o.room_id, o.type_id, o.status, o.status_reason, ${timeZone}::text)`;
  return patientIds ? built : sql`CASE WHEN o.time_zone = ${timeZone}::text THEN o.feed_json ELSE ${built} END`;
}

/** Epoch milliseconds of a timestamptz column, as a bigint that the driver returns as text. */
export const epochMs = (sql: Sql, column: Fragment) => sql`(extract(epoch FROM ${column}) * 1000)::bigint`;
