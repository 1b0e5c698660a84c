import "server-only";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { cacheRedis, publishPastBreaker } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import { withScripts } from "@/lib/redis/scripts";
import { recordWriteThrough } from "@/lib/metrics/instruments"; // ops metrics
import { hotWindows } from "../hot-windows";
import type { LiveUpdate } from "../types";
import { epochMs, type Sql } from "../occurrence-json";
import { eventTemplate, firstOccurrenceJoin, indexMember, refOf } from "./members";

/**
 * Brings the Redis index of one event up to what Postgres holds now, then clears the event's outbox
 * rows it covered. Idempotent and safe to run concurrently (the script applies only newer revisions),
 * so the write path calls it right after a commit and the reconciler calls it for whatever is left.
 * Returns null when there was nothing to do.
 */
export async function syncEvent(orgId: string, eventId: string, read?: readonly SyncRow[]): Promise<LiveUpdate | null> {
  const sql = db().$sql;
  const [row] = read ?? (await syncRead(sql, orgId, eventId));
  if (!row) {
    // The organisation is gone, and its index with it.
    await sql`DELETE FROM index_outbox WHERE event_id = ${eventId}`;
    return null;
  }
  const pending = row.pending ?? [];
  if (pending.length === 0) return null;
  const readAt = performance.now(); // ops metrics

  const live = row.revision !== null;
  const previous = pending.flatMap(([, , , held]) => held);
  const patientIds = [...new Set([...previous.flatMap(([, ids]) => ids), ...(row.patient_ids ?? [])])];
  const revision = row.revision ?? Math.max(...pending.map(([, version]) => version));
  const update: LiveUpdate = { eventId, version: row.version ?? revision, deleted: !live, patientIds };

  const applied = await withScripts(cacheRedis()).applyEvent(
    5,
    keys.eventRecord(orgId, eventId),
    keys.orgEvents(orgId),
    keys.orgWatermark(orgId),
    keys.orgMaxDuration(orgId),
    keys.orgTemplates(orgId),
    keys.patientEventsPrefix(orgId),
    eventId,
    revision,
    live ? 0 : 1,
    JSON.stringify(previous),
    live ? (row.members ?? "[]") : "[]",
    row.max_ms,
    ttl.indexSetSeconds(),
    ttl.eventRecordSeconds,
    ttl.tombstoneSeconds,
    keys.liveChannel(orgId),
    JSON.stringify(update),
    refOf(eventId),
    (live && row.template) || "",
  );
  // ops metrics: commit-to-index lag of the oldest change this call covered
  recordWriteThrough(applied === 1 ? "applied" : "skipped", pending[0]![4] + (performance.now() - readAt) / 1000);

  const lastId = pending[pending.length - 1]![0];
  // Committed asynchronously (no wait for the WAL flush, the writer's acknowledgement waits for this):
  // a crash can only bring rows back, and the reconciler's replay of an applied revision is a no-op. The
  // setting is made inside the statement (transaction-local, for its own implicit transaction): SET LOCAL
  // would need an explicit transaction, two more round trips.
  await sql`
    DELETE FROM index_outbox
    WHERE event_id = ${eventId} AND id <= ${lastId} AND set_config('synchronous_commit', 'off', true) IS NOT NULL`;
  return update;
}

/**
 * What syncEvent needs, in one statement and one snapshot: the state it reads is as new as every outbox
 * row it clears. The members come as the JSON text apply-event.lua takes ([[startMs, member,
 * [patientId…]]…]), with the event's template they are compact against. The create path reads it in its
 * own transaction, after its writes (`read`): a new event has no other writer before the commit.
 */
export const syncRead = (sql: Sql, orgId: string, eventId: string) =>
  sql<SyncRow[]>`
    SELECT
      (SELECT json_agg(json_build_array(x.id::text, x.version, x.deleted, x.previous, extract(epoch FROM clock_timestamp() - x.created_at)) ORDER BY x.id)
       FROM index_outbox x WHERE x.event_id = ${eventId}) AS pending,
      e.revision, e.version, org.max_occurrence_ms::text AS max_ms,
      (SELECT json_agg(json_build_array(${epochMs(sql, sql`o.start_at`)},
                ${indexMember(sql, sql`org.time_zone`)}, o.patient_ids))::text
       FROM occurrences o ${firstOccurrenceJoin(sql)} WHERE o.event_id = e.id) AS members,
      (SELECT ${eventTemplate(sql, sql`org.time_zone`)} FROM occurrences f WHERE f.event_id = e.id ORDER BY f.original_start LIMIT 1) AS template,
      (SELECT array_agg(DISTINCT p.id) FROM occurrences o, unnest(o.patient_ids) AS p(id) WHERE o.event_id = e.id) AS patient_ids
    FROM organizations org LEFT JOIN events e ON e.id = ${eventId} AND e.org_id = org.id
    WHERE org.id = ${orgId}`;

/** An outbox row: id, revision after the change, deleted, occurrences the index may hold, age (s). */
type OutboxEntry = [string, number, boolean, [number, string[]][], number];

export interface SyncRow {
  pending: OutboxEntry[] | null;
  /** Null when the event is gone. */
  revision: number | null;
  version: number | null;
  max_ms: string;
  members: string | null;
  template: string | null;
  patient_ids: string[] | null;
}

/**
 * After a commit: write through now; on failure the outbox keeps the work for the reconciler. This
 * instance's hot windows are dropped here and now (not when its own publication comes back), so the
 * writer's next read is never stale.
 */
export async function syncEventAfterCommit(orgId: string, eventId: string, read?: readonly SyncRow[]): Promise<void> {
  try {
    const update = await syncEvent(orgId, eventId, read);
    if (update) hotWindows().invalidate(orgId, update.patientIds);
  } catch (error) {
    recordWriteThrough("failed"); // ops metrics
    hotWindows().invalidateOrg(orgId);
    // Redis may well answer others (this breaker opened during a blip and has not probed yet): tell them,
    // or they would serve the index without this change until the breaker closes and replays the outbox.
    const update: LiveUpdate = { eventId, version: 0, deleted: false, patientIds: [], unindexed: true };
    publishPastBreaker(keys.liveChannel(orgId), JSON.stringify(update));
    logger().warn({ err: error, eventId }, "index write-through failed; the reconciler will retry");
  }
}
