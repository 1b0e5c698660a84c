import "server-only";
import { sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import type { Tx } from "@/lib/events/event-store";
import type { ClosureWarning } from "@/lib/events/types";

const LIMIT = 100;

/**
 * The occurrences of the given events (from now on, not cancelled) that fall into a closure of the
 * organisation, an absence of their clinician or room, or outside their clinician's or room's working
 * hours (when it has any). Runs in the writing transaction after materialisation, like findConflicts, so
 * a series lists exactly the occurrences it would book into a closure before anything is saved.
 */
export async function findClosureWarnings(tx: Tx, orgId: string, eventIds: string[], timeZone: string, now = new Date()): Promise<ClosureWarning[]> {
  return closureWarnings(await tx.execute<ClosureWarning & Record<string, unknown>>(closureWarningsQuery(orgId, eventIds, timeZone, now)));
}

/** findClosureWarnings' statement, for a write path that pipelines it (`closureWarnings` reads its rows). */
export function closureWarningsQuery(orgId: string, eventIds: string[], timeZone: string, now = new Date()) {
  const ids = sql`ARRAY[${sql.join(eventIds.map((id) => sql`${id}::uuid`), sql`, `)}]`;
  return sql`
    WITH occ AS (
      SELECT o.original_start, o.start_at, o.end_at, o.all_day, o.clinician_id, o.room_id
      FROM occurrences o
      WHERE o.event_id = ANY(${ids}) AND o.end_at > ${now.toISOString()} AND o.status <> 'cancelled'
    ), org AS (SELECT time_zone FROM organizations WHERE id = ${orgId}),
    hits AS (
      SELECT occ.original_start, occ.start_at, occ.end_at,
             CASE WHEN c.resource_id IS NULL THEN 'closure' ELSE 'absence' END AS reason, c.title AS detail
      FROM occ JOIN closures c ON c.org_id = ${orgId} AND c.start_at < occ.end_at AND c.end_at > occ.start_at
        AND (c.resource_id IS NULL OR c.resource_id = occ.clinician_id OR c.resource_id = occ.room_id)
      UNION ALL
      SELECT occ.original_start, occ.start_at, occ.end_at, 'outside_hours', r.name || ' does not work then'
      FROM occ CROSS JOIN org
      JOIN resources r ON r.id IN (occ.clinician_id, occ.room_id)
      WHERE NOT occ.all_day
        AND EXISTS (SELECT 1 FROM working_hours w WHERE w.resource_id = r.id)
        AND NOT EXISTS (
          SELECT 1 FROM working_hours w
          WHERE w.resource_id = r.id
            AND w.weekday = extract(dow FROM occ.start_at AT TIME ZONE org.time_zone)
            AND (occ.start_at AT TIME ZONE org.time_zone)::time >= w.start_time
            -- Ends on the same local day, within the hours (an end at midnight counts as 24:00).
            AND (occ.end_at AT TIME ZONE org.time_zone) <= (occ.start_at AT TIME ZONE org.time_zone)::date + w.end_time)
    )
    SELECT DISTINCT ON (start_at, reason, detail)
           iso_local(original_start, ${timeZone}) AS "originalStart", iso_local(start_at, ${timeZone}) AS start,
           iso_local(end_at, ${timeZone}) AS "end", reason, detail
    FROM hits ORDER BY start_at, reason, detail LIMIT ${LIMIT}`;
}

export const closureWarnings = (rows: Iterable<object>): ClosureWarning[] =>
  [...rows].map((row) => {
    const { originalStart, start, end, reason, detail } = row as unknown as ClosureWarning;
    return { originalStart, start, end, reason, detail };
  });

/** Whether an administrator books past closures on purpose (no check then). */
export const closuresWaived = (actor: Actor, allowClosures: boolean | undefined) => Boolean(allowClosures) && actor.role === "admin";

/**
 * A 409 that lists the occurrences. Administrators may book anyway (`allowClosures: true`); for staff the
 * warning is final, as a closure is the organisation's decision.
 */
export function closureConflict(actor: Actor, warnings: ClosureWarning[]): AppError {
  const overridable = actor.role === "admin";
  const count = warnings.length === LIMIT ? `${LIMIT} or more` : String(warnings.length);
  return new AppError(
    "scheduling_conflict",
    `${count} occurrence(s) fall into a closure, an absence or outside working hours; ` +
      (overridable ? "send allowClosures: true to book anyway" : "only an administrator can book them anyway"),
    { closures: warnings, overridable },
  );
}

/** The check as the write paths call it: nothing to do when an administrator overrides. */
export async function assertNoClosures(tx: Tx, actor: Actor, eventIds: string[], allowClosures: boolean | undefined): Promise<void> {
  if (closuresWaived(actor, allowClosures)) return;
  const warnings = await findClosureWarnings(tx, actor.orgId, eventIds, actor.timeZone);
  if (warnings.length) throw closureConflict(actor, warnings);
}
