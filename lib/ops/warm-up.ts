import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { hydrateUnits, primeLookback, type MissingUnit } from "@/lib/events/index/hydrate";
import { syncEvent } from "@/lib/events/index/sync-event";
import { cacheRedis } from "@/lib/redis/client";
import { keys, units } from "@/lib/redis/keys";
import { forEachBounded, organisationIds, progressEvery } from "./org-pool";

/**
 * Rehydrates the hot horizon of every organisation (the organisation's day units and the 28-day units
 * of every patient with appointments in the window, from CACHE_WARM_DAYS_BACK before today to CACHE_WARM_DAYS_AHEAD after), so a
 * restart or a deploy with an empty Redis does not send the full read load to Postgres at once.
 *
 * It fills units through the read path's own `hydrateUnits` (per-unit locks, watermark, outbox check),
 * so it is safe beside live traffic and write-throughs, and it skips units that are already hydrated:
 * warming a warm cache costs a few pipelined ZSCOREs per organisation.
 */
export interface WarmOptions {
  orgIds?: string[];
  daysBack?: number;
  daysAhead?: number;
  concurrency?: number;
  now?: Date;
  onProgress?: (line: string) => void;
}

export interface WarmReport {
  organisations: number;
  /** Units that were cold and are now hydrated. */
  filled: number;
  /** Units that were already hydrated. */
  alreadyWarm: number;
  /** Units still cold afterwards (a write in flight, Redis away): reads rebuild them on demand. */
  notFilled: number;
  failed: { orgId: string; reason: string }[];
  seconds: number;
}

/** How many units one hydrateUnits call rebuilds (one Postgres query, one Redis pipeline). */
const CHUNK = 64;
const PATIENT_BATCH = 500;

export async function warmCache(options: WarmOptions = {}): Promise<WarmReport> {
  const started = Date.now();
  const config = env();
  const now = options.now ?? new Date();
  const daysBack = options.daysBack ?? config.CACHE_WARM_DAYS_BACK;
  const daysAhead = options.daysAhead ?? config.CACHE_WARM_DAYS_AHEAD;
  const today = Math.floor(now.getTime() / units.orgMs) * units.orgMs;
  const from = today - daysBack * units.orgMs;
  const to = today + daysAhead * units.orgMs;

  const orgIds = options.orgIds ?? (await organisationIds());
  const report: WarmReport = { organisations: orgIds.length, filled: 0, alreadyWarm: 0, notFilled: 0, failed: [], seconds: 0 };
  const progress = progressEvery(2000, options.onProgress);
  let done = 0;
  await forEachBounded(orgIds, options.concurrency ?? config.CACHE_WARM_CONCURRENCY, async (orgId) => {
    try {
      const counts = await warmOrganisation(orgId, from, to);
      report.filled += counts.filled;
      report.alreadyWarm += counts.alreadyWarm;
      report.notFilled += counts.notFilled;
    } catch (error) {
      report.failed.push({ orgId, reason: error instanceof Error ? error.message : String(error) });
    }
    done += 1;
    progress(
      `${done}/${orgIds.length} organisations, ${report.filled} units filled, ${report.alreadyWarm} already warm` +
        `${report.notFilled ? `, ${report.notFilled} left cold` : ""}${report.failed.length ? `, ${report.failed.length} failed` : ""}` +
        ` (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      done === orgIds.length,
    );
  });
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

async function warmOrganisation(orgId: string, from: number, to: number) {
  // Index work still in the outbox would make hydration wait for it: write it through first.
  const pending = await db().$sql<{ event_id: string }[]>`SELECT DISTINCT event_id FROM index_outbox WHERE org_id = ${orgId}`;
  for (const { event_id } of pending) await syncEvent(orgId, event_id);
  await primeLookback(orgId);

  // Patients with appointments in the window: the ones whose calendars will be read. The others stay
  // cold (a read of an empty calendar rebuilds a sentinel in one cheap query) and cost no memory.
  const patients = await db().$sql<{ id: string }[]>`
    SELECT p.id FROM patients p
    WHERE p.org_id = ${orgId} AND p.archived_at IS NULL AND EXISTS (
      SELECT 1 FROM occurrence_patients op
      WHERE op.patient_id = p.id AND op.start_at >= ${new Date(from).toISOString()} AND op.start_at < ${new Date(to).toISOString()})
    ORDER BY p.id`;
  const counts = { filled: 0, alreadyWarm: 0, notFilled: 0 };
  const add = (c: typeof counts) => {
    counts.filled += c.filled;
    counts.alreadyWarm += c.alreadyWarm;
    counts.notFilled += c.notFilled;
  };

  const orgUnits = unitRange(from, to, units.orgMs).map((unit) => ({ setKey: keys.orgEvents(orgId), unit }));
  add(await warmUnits(orgId, units.orgMs, orgUnits));
  for (let i = 0; i < patients.length; i += PATIENT_BATCH) {
    const wanted = patients.slice(i, i + PATIENT_BATCH).flatMap((p) =>
      unitRange(from, to, units.patientMs).map((unit) => ({ setKey: keys.patientEvents(orgId, p.id), patientId: p.id, unit })),
    );
    add(await warmUnits(orgId, units.patientMs, wanted));
  }
  return counts;
}

function unitRange(from: number, to: number, unitMs: number): number[] {
  const first = Math.floor(from / unitMs);
  const last = Math.floor((to - 1) / unitMs);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Which of `wanted` lack their sentinel, as one pipeline. */
async function coldUnits(wanted: MissingUnit[]): Promise<MissingUnit[]> {
  if (wanted.length === 0) return [];
  const pipeline = cacheRedis().pipeline();
  for (const unit of wanted) pipeline.zscore(unit.setKey, `~${unit.unit}`);
  const replies = (await pipeline.exec()) ?? [];
  return wanted.filter((_, i) => {
    const [error, value] = replies[i] ?? [new Error("no reply"), null];
    if (error) throw error;
    return value === null;
  });
}

async function warmUnits(orgId: string, unitMs: number, wanted: MissingUnit[]) {
  const cold = await coldUnits(wanted);
  const token = randomBytes(8).toString("hex");
  for (let i = 0; i < cold.length; i += CHUNK) await hydrateUnits(orgId, unitMs, cold.slice(i, i + CHUNK), token);
  const stillCold = await coldUnits(cold);
  return { filled: cold.length - stillCold.length, alreadyWarm: wanted.length - cold.length, notFilled: stillCold.length };
}
