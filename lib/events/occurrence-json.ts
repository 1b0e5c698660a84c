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
 */
export function occurrenceJson(sql: Sql, timeZone: string, patientIds: Fragment = sql`o.patient_ids`): Fragment {
  return sql`json_strip_nulls(json_build_object(
    'id', o.event_id || '_' || (extract(epoch FROM o.original_start) * 1000)::bigint,
    'eventId', o.event_id,
    'title', o.title,
    'start', CASE WHEN o.all_day THEN to_char(o.start_at AT TIME ZONE o.time_zone, 'YYYY-MM-DD')
                  ELSE iso_local(o.start_at, ${timeZone}) END,
    'end', CASE WHEN o.all_day THEN to_char(o.end_at AT TIME ZONE o.time_zone, 'YYYY-MM-DD')
                ELSE iso_local(o.end_at, ${timeZone}) END,
    'allDay', o.all_day,
    'timeZone', o.time_zone,
    'patientIds', ${patientIds},
    'recurring', o.recurring,
    'rrule', o.rrule,
    'originalStart', iso_local(o.original_start, ${timeZone}),
    'version', o.version,
    'description', o.description,
    'location', o.location,
    'clinicianId', o.clinician_id,
    'roomId', o.room_id,
    'typeId', o.type_id,
    'status', o.status,
    'statusReason', o.status_reason
  ))::text`;
}

/** Epoch milliseconds of a timestamptz column, as a bigint that the driver returns as text. */
export const epochMs = (sql: Sql, column: Fragment) => sql`(extract(epoch FROM ${column}) * 1000)::bigint`;
