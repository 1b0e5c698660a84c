import "server-only";
import { db } from "@/lib/db/client";
import { indexOutbox } from "@/lib/db/schema";
import type { RecordDifference } from "@/lib/events/index/compare-index";
import { syncEvent } from "@/lib/events/index/sync-event";
import { cacheRedis } from "@/lib/redis/client";
import { checkIndex, type CheckReport } from "./check-index";
import { warmCache } from "./warm-up";

/**
 * `cache:repair`: fixes what `cache:check` found, only through the engine's own safe paths, so a repair
 * racing live writes can never resurrect or revert anything:
 * - a wrong event record is replaced by a fresh write-through: an outbox row naming every occurrence the
 *   record or Postgres may have put in the sets, the record dropped, then `syncEvent` (revision-checked);
 * - a set with wrong or missing members is dropped: it is then simply cold, and rehydration (watermark,
 *   locks) rebuilds it — right away, when `warm` is on, for the organisation's hot horizon;
 * - keys of organisations Postgres no longer has are deleted.
 * Then it checks the repaired organisations again and reports what is left (nothing, normally).
 */
const RAISE = `if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end return 1`;

export interface RepairReport {
  recordsRewritten: number;
  setsDropped: number;
  orphanKeysDeleted: number;
  after: CheckReport;
}

export async function repairIndex(
  found: CheckReport,
  options: { warm?: boolean; onProgress?: (line: string) => void } = {},
): Promise<RepairReport> {
  const redis = cacheRedis();
  let recordsRewritten = 0;
  let setsDropped = 0;
  for (const org of found.differences) {
    for (const record of org.records) {
      await rewriteRecord(org.orgId, record);
      recordsRewritten += 1;
    }
    // The look-back only ever grows: raised to what Postgres says, never lowered below a newer value.
    for (const l of org.lookback) await redis.eval(RAISE, 1, l.key, String(l.postgres));
    // After the records: their write-throughs may have touched these sets; dropping them last is safe.
    for (const set of org.sets) {
      await redis.del(set.set);
      setsDropped += 1;
    }
    options.onProgress?.(
      `${org.orgId}: ${org.records.length} record(s) rewritten, ${org.sets.length} set(s) dropped${org.lookback.length ? ", look-back raised" : ""}`,
    );
  }

  // One key per command: on a cluster, orphan keys of different organisations live in different slots.
  for (let i = 0; i < found.orphanKeys.length; i += 100) {
    await Promise.all(found.orphanKeys.slice(i, i + 100).map((key) => redis.unlink(key)));
  }
  if (found.orphanKeys.length) options.onProgress?.(`${found.orphanKeys.length} orphan key(s) deleted`);

  const orgIds = found.differences.map((d) => d.orgId);
  if (orgIds.length && options.warm !== false) {
    const warmed = await warmCache({ orgIds, onProgress: options.onProgress });
    void warmed;
  }
  const after = orgIds.length
    ? await checkIndex({ orgIds, onProgress: options.onProgress })
    : { organisations: 0, differences: [], orphanKeys: [], seconds: 0 };
  return { recordsRewritten, setsDropped, orphanKeysDeleted: found.orphanKeys.length, after };
}

async function rewriteRecord(orgId: string, record: RecordDifference): Promise<void> {
  const sql = db().$sql;
  const [event] = await sql<{ revision: number }[]>`SELECT revision FROM events WHERE id = ${record.eventId} AND org_id = ${orgId}`;
  const current = await sql<{ start_ms: string; patient_ids: string[] }[]>`
    SELECT (extract(epoch FROM start_at) * 1000)::bigint::text AS start_ms, patient_ids FROM occurrences WHERE event_id = ${record.eventId}`;
  // Everything the sets may hold for this event: what the (wrong) record says and what Postgres says.
  const previous: [number, string[]][] = [...record.held, ...current.map((o): [number, string[]] => [Number(o.start_ms), o.patient_ids])];
  await db()
    .insert(indexOutbox)
    .values({
      orgId,
      eventId: record.eventId,
      version: event ? event.revision : record.revision + 1,
      deleted: !event,
      previous,
    });
  // Without its record the script trusts the outbox's `previous` and applies the revision Postgres has now.
  await cacheRedis().del(record.key);
  await syncEvent(orgId, record.eventId);
}
