import "server-only";
import { db } from "@/lib/db/client";
import { cacheRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import { withScripts } from "@/lib/redis/scripts";
import { recordLockWait, recordRehydration } from "@/lib/metrics/instruments"; // ops metrics
import { epochMs, occurrenceJson } from "../occurrence-json";

export interface MissingUnit {
  setKey: string;
  /** Set for a patient's set; undefined for the organisation's. */
  patientId?: string;
  unit: number;
}

const WAIT_STEP_MS = 25;
const WAIT_MAX_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface UnitRow {
  patient_id: string | null;
  start_ms: string;
  member: string;
}

/**
 * Rebuilds missing units of index sets from Postgres. Each unit has a lock: its holder reads Postgres
 * once and fills it; everyone else waits briefly for the sentinel instead of stampeding Postgres.
 */
export async function hydrateUnits(
  orgId: string,
  unitMs: number,
  missing: MissingUnit[],
  token: string,
): Promise<void> {
  const redis = withScripts(cacheRedis());
  const sql = db().$sql;
  const kind = missing[0]?.patientId ? "patients" : "org"; // ops metrics

  const locks = missing.reduce((p, m) => p.set(keys.hydrateLock(m.setKey, m.unit), token, "PX", ttl.hydrateLockMs, "NX"), redis.pipeline());
  const granted = ((await locks.exec()) ?? []).map(([error, value]) => !error && value === "OK");
  const mine = missing.filter((_, i) => granted[i]);
  const theirs = missing.filter((_, i) => !granted[i]);

  if (mine.length > 0) {
    // The watermark is read before Postgres: a write-through in between makes the script discard this read.
    const watermark = (await redis.get(keys.orgWatermark(orgId))) ?? "0";
    const [org] = await sql<{ max_ms: string; time_zone: string; pending: boolean }[]>`
      SELECT max_occurrence_ms::text AS max_ms, time_zone,
             EXISTS (SELECT 1 FROM index_outbox WHERE org_id = ${orgId}) AS pending
      FROM organizations WHERE id = ${orgId}`;
    // Changes not yet written through would be missing from or contradicted by the index: wait for them.
    if (org && !org.pending) {
      const rows = await readUnits(orgId, org.time_zone, unitMs, mine);
      const fill = redis.pipeline() as ReturnType<typeof redis.pipeline> & { hydrateUnit: (...args: unknown[]) => unknown };
      for (const unit of mine) {
        const from = unit.unit * unitMs;
        const pairs = rows
          .filter((r) => (unit.patientId ? r.patient_id === unit.patientId : true))
          .filter((r) => Number(r.start_ms) >= from && Number(r.start_ms) < from + unitMs)
          .flatMap((r) => [r.start_ms, r.member]);
        fill.hydrateUnit(3, unit.setKey, keys.orgWatermark(orgId), keys.orgMaxDuration(orgId), watermark, `~${unit.unit}`, ttl.indexSetSeconds(), org.max_ms, ...pairs);
      }
      const filled = ((await fill.exec()) ?? []).filter(([error, value]) => !error && value === 1).length;
      recordRehydration(kind, "filled", filled); // ops metrics
      recordRehydration(kind, "discarded", mine.length - filled);
    } else if (org) {
      recordRehydration(kind, "deferred", mine.length); // ops metrics
    }
    const release = mine.reduce((p, m) => p.del(keys.hydrateLock(m.setKey, m.unit)), redis.pipeline());
    await release.exec();
  }

  const waitStarted = performance.now(); // ops metrics
  for (let waited = 0; theirs.length > 0 && waited < WAIT_MAX_MS; waited += WAIT_STEP_MS) {
    await sleep(WAIT_STEP_MS);
    const checks = theirs.reduce((p, m) => p.zscore(m.setKey, `~${m.unit}`), redis.pipeline());
    const done = ((await checks.exec()) ?? []).map(([, value]) => value !== null);
    if (done.every(Boolean)) {
      recordLockWait(kind, "filled", (performance.now() - waitStarted) / 1000); // ops metrics
      return;
    }
  }
  if (theirs.length > 0) recordLockWait(kind, "timeout", (performance.now() - waitStarted) / 1000); // ops metrics
}

/**
 * Records how far back window reads must look (the organisation's longest occurrence) when the index
 * lost it. Safe against a concurrent write-through: that one raises the value, and NX never lowers it.
 */
export async function primeLookback(orgId: string): Promise<void> {
  const [org] = await db().$sql<{ max_ms: string }[]>`
    SELECT max_occurrence_ms::text AS max_ms FROM organizations WHERE id = ${orgId}`;
  if (org) await cacheRedis().set(keys.orgMaxDuration(orgId), org.max_ms, "NX");
}

/** The members of the given units, in one Postgres query per kind of set. */
async function readUnits(orgId: string, timeZone: string, unitMs: number, units: MissingUnit[]): Promise<UnitRow[]> {
  const sql = db().$sql;
  const from = new Date(Math.min(...units.map((u) => u.unit)) * unitMs).toISOString();
  const to = new Date((Math.max(...units.map((u) => u.unit)) + 1) * unitMs).toISOString();
  const member = sql`lpad(${epochMs(sql, sql`o.end_at`)}::text, 13, '0') || '|' || ${occurrenceJson(sql, timeZone)}`;
  const patientIds = [...new Set(units.flatMap((u) => (u.patientId ? [u.patientId] : [])))];
  if (patientIds.length === 0) {
    return sql<UnitRow[]>`
      SELECT NULL AS patient_id, ${epochMs(sql, sql`o.start_at`)}::text AS start_ms, ${member} AS member
      FROM occurrences o WHERE o.org_id = ${orgId} AND o.start_at >= ${from} AND o.start_at < ${to}`;
  }
  return sql<UnitRow[]>`
    SELECT op.patient_id, ${epochMs(sql, sql`o.start_at`)}::text AS start_ms, ${member} AS member
    FROM occurrence_patients op
    JOIN occurrences o ON o.event_id = op.event_id AND o.original_start = op.original_start
    WHERE op.patient_id = ANY(${patientIds}::uuid[]) AND op.start_at >= ${from} AND op.start_at < ${to}
      AND o.org_id = ${orgId}`;
}
