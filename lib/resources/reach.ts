import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { extendSeries, extendSeriesInTx } from "@/lib/events/ensure-materialized";
import type { Tx } from "@/lib/events/event-store";
import { HORIZON_WEEKS } from "@/lib/events/horizon";
import { syncEventAfterCommit } from "@/lib/events/index/sync-event";

/**
 * The exclusion constraints only see materialised occurrences, and open-ended series are materialised up
 * to a rolling horizon. So that no double booking hides beyond it, every series holding a clinician or room
 * is kept materialised at least as far as the last booking of that resource:
 *  - before a booking, the series that hold its resources are extended up to the booking's end
 *    (`extendSeriesHolding`, committed on their own: extending is harmless whatever the booking does);
 *  - inside the booking, a booked series is extended up to the last other booking of its resources
 *    (`reachResourceBookings`, strictly: an overlap fails the booking with 409).
 * Only a race between two such bookings can still slip through; reads then leave the overlapping
 * occurrence out (materialize.ts) and log it.
 */
export async function extendSeriesHolding(orgId: string, resourceIds: (string | null | undefined)[], until: Date): Promise<void> {
  const ids = [...new Set(resourceIds.filter((id): id is string => !!id))];
  if (ids.length === 0) return;
  const rows = await db().$sql<{ id: string }[]>`
    SELECT id FROM events
    WHERE org_id = ${orgId} AND rrule IS NOT NULL
      AND (clinician_id = ANY(${ids}::uuid[]) OR room_id = ANY(${ids}::uuid[]))
      AND materialized_until < ${until.toISOString()}
      AND (series_end IS NULL OR series_end > materialized_until)`;
  for (const { id } of rows) {
    if (await extendSeries(id, until)) await syncEventAfterCommit(orgId, id);
  }
}

/** Returns the ids of the series it extended (they need a write-through after the commit, like the booking). */
export async function reachResourceBookings(tx: Tx, eventIds: string[]): Promise<string[]> {
  const ids = sql`ARRAY[${sql.join(eventIds.map((id) => sql`${id}::uuid`), sql`, `)}]`;
  const rows = await tx.execute<{ id: string; reach: Date | string | null }>(sql`
    SELECT e.id, greatest(
        (SELECT o.end_at FROM occurrences o WHERE o.clinician_id = e.clinician_id AND o.event_id <> e.id ORDER BY o.start_at DESC LIMIT 1),
        (SELECT o.end_at FROM occurrences o WHERE o.room_id = e.room_id AND o.event_id <> e.id ORDER BY o.start_at DESC LIMIT 1)) AS reach
    FROM events e
    WHERE e.id = ANY(${ids}) AND e.rrule IS NOT NULL AND (e.clinician_id IS NOT NULL OR e.room_id IS NOT NULL)
      AND (e.series_end IS NULL OR e.series_end > e.materialized_until)`);
  const extended: string[] = [];
  for (const row of rows) {
    if (row.reach === null) continue;
    if (await extendSeriesInTx(tx, row.id, new Date(row.reach), { strict: true })) extended.push(row.id);
  }
  return extended;
}

/**
 * Before an edit: the resources the event will hold and how far its occurrences may reach, so the
 * series sharing them can be extended first (null when it holds none).
 */
export async function bookingReach(
  orgId: string,
  eventId: string,
  patch: { clinicianId?: string | null; roomId?: string | null; end?: string },
): Promise<{ resourceIds: string[]; until: Date } | null> {
  const [row] = await db().$sql<{ clinician_id: string | null; room_id: string | null; reach: Date | string }[]>`
    SELECT clinician_id, room_id,
           CASE WHEN rrule IS NULL THEN end_at ELSE coalesce(series_end, greatest(materialized_until, now() + ${`${HORIZON_WEEKS} weeks`}::interval)) END AS reach
    FROM events WHERE id = ${eventId} AND org_id = ${orgId}`;
  if (!row) return null;
  const resourceIds = [patch.clinicianId !== undefined ? patch.clinicianId : row.clinician_id, patch.roomId !== undefined ? patch.roomId : row.room_id].filter(
    (id): id is string => !!id,
  );
  if (resourceIds.length === 0) return null;
  // A moved single event may reach further than it did; an unparsable end is refused later, by validation.
  const moved = patch.end ? Date.parse(patch.end) : NaN;
  const until = new Date(Math.max(new Date(row.reach).getTime(), Number.isNaN(moved) ? 0 : moved));
  return { resourceIds, until };
}
