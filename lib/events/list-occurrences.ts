import "server-only";
import type { PendingQuery, Row } from "postgres";
import type { Actor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { MAX_OCCURRENCE_DAYS } from "@/lib/db/schema";
import { notFound } from "@/lib/errors";
import type { FeedQuery } from "./feed-query";
import { resolvePatientScope } from "./patient-scope";

const LOOKBACK = `${MAX_OCCURRENCE_DAYS} days`;

/**
 * The occurrences overlapping [start, end) that the actor may see, as the JSON feed's body text.
 * Postgres builds the JSON itself (timestamps formatted in SQL, one text value back): no Date objects
 * and no per-row decoding in Node.
 */
export async function listOccurrencesJson(actor: Actor, query: FeedQuery): Promise<string> {
  const sql = db().$sql;
  const { timeZone } = query;
  // drizzle replaces the driver's Date serialiser: instants travel as ISO text.
  const start = query.start.toISOString();
  const end = query.end.toISOString();

  if (!isStaff(actor)) {
    const own = actor.patientId;
    if (!own) throw notFound("Patient");
    if (query.cohortId) throw notFound("Cohort");
    if (query.patientIds?.some((id) => id !== own)) throw notFound("Patient");
    // Patients see only their own id in a group session's patient list.
    return selectJson(sql, timeZone, sql`ARRAY[${own}::uuid]`, patientFilter(sql, actor.orgId, [own], start, end));
  }

  const patientIds = await resolvePatientScope(actor, query);
  const filter = patientIds
    ? patientFilter(sql, actor.orgId, patientIds, start, end)
    : sql`o.org_id = ${actor.orgId} AND o.start_at < ${end} AND o.start_at > ${start}::timestamptz - ${LOOKBACK}::interval
          AND o.end_at > ${start}`;
  return selectJson(sql, timeZone, sql`o.patient_ids`, filter);
}

type Sql = ReturnType<typeof db>["$sql"];
type Fragment = PendingQuery<Row[]>;

function patientFilter(sql: Sql, orgId: string, patientIds: string[], start: string, end: string): Fragment {
  return sql`o.org_id = ${orgId} AND o.end_at > ${start} AND (o.event_id, o.original_start) IN (
      SELECT op.event_id, op.original_start FROM occurrence_patients op
      WHERE op.patient_id = ANY(${patientIds}::uuid[]) AND op.start_at < ${end}
        AND op.start_at > ${start}::timestamptz - ${LOOKBACK}::interval)`;
}

async function selectJson(sql: Sql, timeZone: string, patientIds: Fragment, filter: Fragment) {
  const rows = await sql<{ body: string }[]>`
    SELECT coalesce(json_agg(j ORDER BY s, id), '[]')::text AS body FROM (
      SELECT o.start_at AS s, o.event_id AS id, json_strip_nulls(json_build_object(
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
        'location', o.location
      )) AS j
      FROM occurrences o
      WHERE ${filter}
    ) AS feed`;
  return rows[0]?.body ?? "[]";
}
