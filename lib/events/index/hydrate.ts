import "server-only";
import { db } from "@/lib/db/client";
import { cacheRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import { withScripts } from "@/lib/redis/scripts";
import { recordLockWait, recordRehydration } from "@/lib/metrics/instruments"; // ops metrics
import { withDeadline } from "@/lib/reliability/deadline";
import { freshReader } from "@/lib/reliability/fresh-read";
import { epochMs, type Sql } from "../occurrence-json";
import { ABSENT, eventRef, eventTemplate, firstOccurrenceJoin, indexMember, isFull, refToEventId } from "./members";

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
  ref: string;
  /** On one row per event (the templates of all the rows' events). */
  template: string | null;
}

type FillPipeline = { hydrateUnit: (...args: unknown[]) => unknown };

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
  const kind = missing[0]?.patientId ? "patients" : "org"; // ops metrics

  const locks = missing.reduce((p, m) => p.set(keys.hydrateLock(m.setKey, m.unit), token, "PX", ttl.hydrateLockMs, "NX"), redis.pipeline());
  const granted = replies(await locks.exec()).map((value) => value === "OK");
  const mine = missing.filter((_, i) => granted[i]);
  const theirs = missing.filter((_, i) => !granted[i]);

  if (mine.length > 0) {
    try {
      // The watermark is read before Postgres: a write-through in between makes the script discard this read.
      const watermark = await readWatermark(orgId);
      // Bounded: a Postgres that hangs must not hold the request (or the lock) for longer.
      const found = await withDeadline(readMine(orgId, unitMs, mine));
      if (found) {
        const fill = redis.pipeline() as ReturnType<typeof redis.pipeline> & FillPipeline;
        const templateOf = new Map(found.rows.flatMap((r) => (r.template === null ? [] : [[r.ref, r.template] as const])));
        for (const unit of mine) {
          const from = unit.unit * unitMs;
          const rows = found.rows
            .filter((r) => (unit.patientId ? r.patient_id === unit.patientId : true))
            .filter((r) => Number(r.start_ms) >= from && Number(r.start_ms) < from + unitMs);
          const templates = new Map(rows.filter((r) => !isFull(r.member)).map((r) => [r.ref, templateOf.get(r.ref)!]));
          fill.hydrateUnit(
            4, unit.setKey, keys.orgWatermark(orgId), keys.orgMaxDuration(orgId), keys.orgTemplates(orgId),
            watermark, `~${unit.unit}`, ttl.indexSetSeconds(), found.maxMs,
            templates.size, ...[...templates].flat(), ...rows.flatMap((r) => [r.start_ms, r.member]),
          );
        }
        const filled = replies(await fill.exec()).filter((value) => value === 1).length;
        recordRehydration(kind, "filled", filled); // ops metrics
        recordRehydration(kind, "discarded", mine.length - filled);
      } else {
        recordRehydration(kind, "deferred", mine.length); // ops metrics
      }
    } finally {
      const release = mine.reduce((p, m) => p.del(keys.hydrateLock(m.setKey, m.unit)), redis.pipeline());
      await release.exec().catch(() => {});
    }
  }

  const waitStarted = performance.now(); // ops metrics
  for (let waited = 0; theirs.length > 0 && waited < WAIT_MAX_MS; waited += WAIT_STEP_MS) {
    await sleep(WAIT_STEP_MS);
    const checks = theirs.reduce((p, m) => p.zscore(m.setKey, `~${m.unit}`), redis.pipeline());
    const done = replies(await checks.exec()).map((value) => value !== null);
    if (done.every(Boolean)) {
      recordLockWait(kind, "filled", (performance.now() - waitStarted) / 1000); // ops metrics
      return;
    }
  }
  if (theirs.length > 0) recordLockWait(kind, "timeout", (performance.now() - waitStarted) / 1000); // ops metrics
}

/**
 * Restores evicted templates (the sets still name them). No lock: it is one small read per event, and
 * the watermark keeps a fill from storing a template older than a write-through. An event the
 * organisation does not have (a member the sets should not hold) gets the ABSENT template, so reads
 * leave its members out (and the checker lists them) instead of missing the index forever.
 */
export async function hydrateTemplates(orgId: string, refs: string[]): Promise<void> {
  const watermark = await readWatermark(orgId);
  const sql = (await freshReader()).$sql;
  // One snapshot: a change committed in it has its outbox row in it too, so no template newer than the
  // members the sets hold is stored before that change's write-through.
  const [org] = await withDeadline(sql<{ pending: boolean; found: [string, string][] | null }[]>`
    SELECT EXISTS (SELECT 1 FROM index_outbox WHERE org_id = ${orgId}) AS pending,
      (SELECT json_agg(json_build_array(${eventRef(sql, sql`e.id`)}, ${eventTemplate(sql, sql`org.time_zone`)}))
       FROM events e JOIN LATERAL (SELECT * FROM occurrences f WHERE f.event_id = e.id ORDER BY f.original_start LIMIT 1) f ON true
       WHERE e.org_id = ${orgId} AND e.id = ANY(${refs.map(refToEventId)}::uuid[])) AS found
    FROM organizations org WHERE org.id = ${orgId}`);
  if (!org || org.pending) return;
  const templates = new Map<string, string>(refs.map((ref) => [ref, ABSENT]));
  for (const [ref, template] of org.found ?? []) templates.set(ref, template);
  await withScripts(cacheRedis()).hydrateUnit(
    4, keys.orgEvents(orgId), keys.orgWatermark(orgId), keys.orgMaxDuration(orgId), keys.orgTemplates(orgId),
    watermark, "", ttl.indexSetSeconds(), 0, templates.size, ...[...templates].flat(),
  );
}

/** The rows of the units this request rebuilds; null while the organisation has changes not yet written through. */
async function readMine(orgId: string, unitMs: number, mine: MissingUnit[]): Promise<{ rows: UnitRow[]; maxMs: string } | null> {
  // Chosen after the watermark read: a replica must have replayed every write-through counted in it.
  const sql = (await freshReader()).$sql;
  const [org] = await sql<{ max_ms: string; time_zone: string; pending: boolean }[]>`
    SELECT max_occurrence_ms::text AS max_ms, time_zone,
           EXISTS (SELECT 1 FROM index_outbox WHERE org_id = ${orgId}) AS pending
    FROM organizations WHERE id = ${orgId}`;
  // Changes not yet written through would be missing from or contradicted by the index: wait for them.
  if (!org || org.pending) return null;
  return { rows: await readUnits(sql, orgId, org.time_zone, unitMs, mine), maxMs: org.max_ms };
}

/** A pipeline's replies; the first error is thrown (Redis away: the caller answers from Postgres at once). */
function replies(results: [Error | null, unknown][] | null): unknown[] {
  return (results ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/**
 * The organisation's watermark, created with a random value when absent. Never "absent" in a fill: with
 * allkeys-lru the key itself can be evicted after a write-through bumped it, and a fill that compared
 * "absent" with "absent" would then store rows older than that write-through.
 */
async function readWatermark(orgId: string): Promise<string> {
  const redis = cacheRedis();
  const key = keys.orgWatermark(orgId);
  const current = await redis.get(key);
  if (current !== null) return current;
  await redis.set(key, String(1 + Math.floor(Math.random() * 2 ** 48)), "NX");
  return (await redis.get(key)) ?? "";
}

/**
 * Records how far back window reads must look (the organisation's longest occurrence) when the index
 * lost it. Safe against a concurrent write-through: that one raises the value, and NX never lowers it.
 */
export async function primeLookback(orgId: string): Promise<void> {
  const [org] = await withDeadline(db().$sql<{ max_ms: string }[]>`
    SELECT max_occurrence_ms::text AS max_ms FROM organizations WHERE id = ${orgId}`);
  if (org) await cacheRedis().set(keys.orgMaxDuration(orgId), org.max_ms, "NX");
}

/** The members of the given units, in one Postgres query per kind of set. */
async function readUnits(sql: Sql, orgId: string, timeZone: string, unitMs: number, units: MissingUnit[]): Promise<UnitRow[]> {
  const from = new Date(Math.min(...units.map((u) => u.unit)) * unitMs).toISOString();
  const to = new Date((Math.max(...units.map((u) => u.unit)) + 1) * unitMs).toISOString();
  const columns = sql`${epochMs(sql, sql`o.start_at`)}::text AS start_ms, ${indexMember(sql, timeZone)} AS member,
    ${eventRef(sql, sql`o.event_id`)} AS ref,
    CASE WHEN row_number() OVER (PARTITION BY o.event_id) = 1 THEN ${eventTemplate(sql, timeZone)} END AS template`;
  const patientIds = [...new Set(units.flatMap((u) => (u.patientId ? [u.patientId] : [])))];
  if (patientIds.length === 0) {
    return sql<UnitRow[]>`
      SELECT NULL AS patient_id, ${columns}
      FROM occurrences o ${firstOccurrenceJoin(sql)} WHERE o.org_id = ${orgId} AND o.start_at >= ${from} AND o.start_at < ${to}`;
  }
  return sql<UnitRow[]>`
    SELECT op.patient_id, ${columns}
    FROM occurrence_patients op
    JOIN occurrences o ON o.event_id = op.event_id AND o.original_start = op.original_start
    ${firstOccurrenceJoin(sql)}
    WHERE op.patient_id = ANY(${patientIds}::uuid[]) AND op.start_at >= ${from} AND op.start_at < ${to}
      AND o.org_id = ${orgId}`;
}
