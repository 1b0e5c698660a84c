import "server-only";
import { freshRead } from "@/lib/reliability/fresh-read";
import type { ArchiveCutoffs } from "./archive-cutoffs";
import { epochMs, occurrenceJson, type Fragment, type Sql } from "./occurrence-json";

export interface PostgresFeedScope {
  orgId: string;
  /** Undefined: the whole organisation. */
  patientIds?: string[];
  /** For patients: the only id their feed may show in `patientIds`. */
  ownPatientId?: string;
  /** Archived patients whose future the view leaves out: the same rule as the index (read-from-index.ts). */
  archived?: ArchiveCutoffs;
}

/**
 * The feed body from Postgres: one index range scan, the JSON built in SQL and returned as one text
 * value, as the bytes the server sent (no Date objects, no per-row work, no UTF-8 decoding and
 * re-encoding of the body in Node). Ordered by start, end, event id, as the index.
 */
export async function readFromPostgres(scope: PostgresFeedScope, start: Date, end: Date, timeZone: string): Promise<Buffer> {
  // A replica when one has caught up with the primary (read-your-writes holds), else the primary.
  return freshRead(({ $sql }) => readBody($sql, scope, start, end, timeZone));
}

async function readBody(sql: Sql, scope: PostgresFeedScope, start: Date, end: Date, timeZone: string): Promise<Buffer> {
  // drizzle replaces the driver's Date serialiser: instants travel as ISO text.
  const from = start.toISOString();
  const to = end.toISOString();
  // Look back by the organisation's longest occurrence (it only grows, kept by every write), not by the
  // longest allowed: a month of look-back scans thirty times the rows a day view returns.
  const earliest = sql`${from}::timestamptz - make_interval(secs => (SELECT max_occurrence_ms FROM organizations WHERE id = ${scope.orgId}) / 1000.0)`;
  const archived = scope.archived?.size ? scope.archived : undefined;
  // Compared as the index compares them: epoch ms of the start (its score) against the cut-off's ms.
  const cutoff = () => sql`unnest(${[...archived!.keys()]}::uuid[], ${[...archived!.values()].map(String)}::bigint[]) AS a(patient_id, cut_ms)`;
  const cutBy = () => sql`${epochMs(sql, sql`op.start_at`)} >= a.cut_ms`;
  const filter: Fragment = scope.patientIds
    ? sql`o.org_id = ${scope.orgId} AND o.end_at > ${from} AND (o.event_id, o.original_start) IN (
        SELECT op.event_id, op.original_start FROM occurrence_patients op
        WHERE op.patient_id = ANY(${scope.patientIds}::uuid[]) AND op.start_at < ${to} AND op.start_at > ${earliest}
        -- An archived patient of the view takes part in what started before their archiving only.
        ${archived ? sql`AND NOT EXISTS (SELECT 1 FROM ${cutoff()} WHERE a.patient_id = op.patient_id AND ${cutBy()})` : sql``})`
    : sql`o.org_id = ${scope.orgId} AND o.start_at < ${to} AND o.start_at > ${earliest} AND o.end_at > ${from}
        -- Left out: occurrences on which every patient was archived at or before their start. Built from
        -- the archived patients' own rows in the window (a hash of few), not by a look at every row's patients.
        ${archived ? sql`AND (o.event_id, o.original_start) NOT IN (
          SELECT op.event_id, op.original_start FROM ${cutoff()}
          JOIN occurrence_patients op ON op.patient_id = a.patient_id AND ${cutBy()}
            AND op.start_at < ${to} AND op.start_at > ${earliest}
          GROUP BY op.event_id, op.original_start
          HAVING count(*) = (SELECT cardinality(x.patient_ids) FROM occurrences x
                             WHERE x.event_id = op.event_id AND x.original_start = op.original_start))` : sql``}`;
  const patientIds = scope.ownPatientId ? sql`ARRAY[${scope.ownPatientId}::uuid]` : undefined;
  // Cancelled occurrences stay on staff calendars (struck through) and vanish from patients' own.
  const visible: Fragment = scope.ownPatientId ? sql`AND o.status <> 'cancelled'` : sql``;
  const rows = await sql`
    SELECT coalesce('[' || string_agg(${occurrenceJson(sql, timeZone, patientIds)}, ',' ORDER BY o.start_at, o.end_at, o.event_id) || ']', '[]') AS body
    FROM occurrences o WHERE ${filter} ${visible}`.raw();
  return rows[0]![0] as Buffer;
}
