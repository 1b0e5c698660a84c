import "server-only";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/logger";
import { cacheRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import { withScripts } from "@/lib/redis/scripts";
import { recordWriteThrough } from "@/lib/metrics/instruments"; // ops metrics
import { hotWindows } from "../hot-windows";
import type { LiveUpdate } from "../types";
import { epochMs, occurrenceJson } from "../occurrence-json";

interface OutboxRow {
  id: string;
  version: number;
  deleted: boolean;
  previous: [number, string[]][];
  /** Seconds since the row was committed (Postgres' clock: no skew with the app's). */
  age: number;
}

/**
 * Brings the Redis index of one event up to what Postgres holds now, then clears the event's outbox
 * rows it covered. Idempotent and safe to run concurrently (the script applies only newer revisions),
 * so the write path calls it right after a commit and the reconciler calls it for whatever is left.
 * Returns false when there was nothing to do.
 */
export async function syncEvent(orgId: string, eventId: string): Promise<LiveUpdate | null> {
  const sql = db().$sql;
  // Outbox rows first, state second: the state read is then at least as new as every row it clears.
  const pending = await sql<OutboxRow[]>`
    SELECT id::text, version, deleted, previous, extract(epoch FROM clock_timestamp() - created_at)::float8 AS age
    FROM index_outbox WHERE event_id = ${eventId} ORDER BY id`;
  if (pending.length === 0) return null;
  const readAt = performance.now(); // ops metrics

  const [state] = await sql<{ revision: number; version: number; time_zone: string; max_ms: string }[]>`
    SELECT e.revision, e.version, org.time_zone, org.max_occurrence_ms::text AS max_ms
    FROM events e JOIN organizations org ON org.id = e.org_id WHERE e.id = ${eventId}`;
  const [orgRow] = state
    ? [state]
    : await sql<{ time_zone: string; max_ms: string }[]>`
        SELECT time_zone, max_occurrence_ms::text AS max_ms FROM organizations WHERE id = ${orgId}`;
  if (!orgRow) {
    await sql`DELETE FROM index_outbox WHERE event_id = ${eventId}`;
    return null;
  }

  const members = state
    ? await sql<{ start_ms: string; member: string; patient_ids: string[] }[]>`
        SELECT ${epochMs(sql, sql`o.start_at`)}::text AS start_ms,
               lpad(${epochMs(sql, sql`o.end_at`)}::text, 13, '0') || '|' || ${occurrenceJson(sql, orgRow.time_zone)} AS member,
               o.patient_ids
        FROM occurrences o WHERE o.event_id = ${eventId}`
    : [];

  const previous = pending.flatMap((row) => row.previous);
  const patientIds = [...new Set([...previous.flatMap(([, ids]) => ids), ...members.flatMap((m) => m.patient_ids)])];
  const revision = state?.revision ?? Math.max(...pending.map((row) => row.version));
  const update: LiveUpdate = { eventId, version: state?.version ?? revision, deleted: !state, patientIds };

  const applied = await withScripts(cacheRedis()).applyEvent(
    4,
    keys.eventRecord(orgId, eventId),
    keys.orgEvents(orgId),
    keys.orgWatermark(orgId),
    keys.orgMaxDuration(orgId),
    keys.patientEventsPrefix(orgId),
    eventId,
    revision,
    state ? 0 : 1,
    JSON.stringify(previous),
    JSON.stringify(members.map((m) => [Number(m.start_ms), m.member, m.patient_ids])),
    orgRow.max_ms,
    ttl.indexSetSeconds(),
    ttl.eventRecordSeconds,
    ttl.tombstoneSeconds,
    keys.liveChannel(orgId),
    JSON.stringify(update),
  );
  // ops metrics: commit-to-index lag of the oldest change this call covered
  recordWriteThrough(applied === 1 ? "applied" : "skipped", pending[0]!.age + (performance.now() - readAt) / 1000);

  const lastId = pending[pending.length - 1]!.id;
  await sql`DELETE FROM index_outbox WHERE event_id = ${eventId} AND id <= ${lastId}`;
  return update;
}

/**
 * After a commit: write through now; on failure the outbox keeps the work for the reconciler. This
 * instance's hot windows are dropped here and now (not when its own publication comes back), so the
 * writer's next read is never stale.
 */
export async function syncEventAfterCommit(orgId: string, eventId: string): Promise<void> {
  try {
    const update = await syncEvent(orgId, eventId);
    if (update) hotWindows().invalidate(orgId, update.patientIds);
  } catch (error) {
    recordWriteThrough("failed"); // ops metrics
    hotWindows().invalidateOrg(orgId);
    logger().warn({ err: error, eventId }, "index write-through failed; the reconciler will retry");
  }
}
