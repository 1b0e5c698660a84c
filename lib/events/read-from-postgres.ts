import "server-only";
import { freshRead } from "@/lib/reliability/fresh-read";
import { MAX_OCCURRENCE_DAYS } from "@/lib/db/schema";
import { occurrenceJson, type Fragment, type Sql } from "./occurrence-json";

const LOOKBACK = `${MAX_OCCURRENCE_DAYS} days`;

export interface PostgresFeedScope {
  orgId: string;
  /** Undefined: the whole organisation. */
  patientIds?: string[];
  /** For patients: the only id their feed may show in `patientIds`. */
  ownPatientId?: string;
}

/**
 * The feed body from Postgres: one index range scan, the JSON built in SQL and returned as one text
 * value (no Date objects, no per-row decoding in Node). Ordered by start, end, event id, as the index.
 */
export async function readFromPostgres(scope: PostgresFeedScope, start: Date, end: Date, timeZone: string): Promise<string> {
  // A replica when one has caught up with the primary (read-your-writes holds), else the primary.
  return freshRead(({ $sql }) => readBody($sql, scope, start, end, timeZone));
}

async function readBody(sql: Sql, scope: PostgresFeedScope, start: Date, end: Date, timeZone: string): Promise<string> {
  // drizzle replaces the driver's Date serialiser: instants travel as ISO text.
  const from = start.toISOString();
  const to = end.toISOString();
  const filter: Fragment = scope.patientIds
    ? sql`o.org_id = ${scope.orgId} AND o.end_at > ${from} AND (o.event_id, o.original_start) IN (
        SELECT op.event_id, op.original_start FROM occurrence_patients op
        WHERE op.patient_id = ANY(${scope.patientIds}::uuid[]) AND op.start_at < ${to}
          AND op.start_at > ${from}::timestamptz - ${LOOKBACK}::interval)`
    : sql`o.org_id = ${scope.orgId} AND o.start_at < ${to}
        AND o.start_at > ${from}::timestamptz - ${LOOKBACK}::interval AND o.end_at > ${from}`;
  const patientIds = scope.ownPatientId ? sql`ARRAY[${scope.ownPatientId}::uuid]` : undefined;
  // Cancelled occurrences stay on staff calendars (struck through) and vanish from patients' own.
  const visible: Fragment = scope.ownPatientId ? sql`AND o.status <> 'cancelled'` : sql``;
  const rows = await sql<{ body: string | null }[]>`
    SELECT '[' || string_agg(${occurrenceJson(sql, timeZone, patientIds)}, ',' ORDER BY o.start_at, o.end_at, o.event_id) || ']' AS body
    FROM occurrences o WHERE ${filter} ${visible}`;
  return rows[0]?.body ?? "[]";
}
