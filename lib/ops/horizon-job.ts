import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { extendSeries } from "@/lib/events/ensure-materialized";
import type { Tx } from "@/lib/events/event-store";
import { horizonFrom } from "@/lib/events/horizon";
import { syncEventAfterCommit } from "@/lib/events/index/sync-event";
import { logger } from "@/lib/logger";
import { instruments } from "@/lib/metrics/instruments";
import { cacheRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import { sql } from "drizzle-orm";

/**
 * Moves the recurrence horizon forward: every organisation's open-ended series that fall more than a
 * week short of the rolling horizon are materialised up to it (and written through to the index), so
 * calendars never run dry and reads rarely need to expand on demand.
 *
 * One runner at a time across instances: a Redis lock whose value is a fencing token (from a Postgres
 * sequence, so every acquisition gets a larger one, even after Redis restarted empty), renewed while
 * the job runs. A lock can still expire under a runner that
 * stalls (GC pause, lost network); every extension therefore checks the token in Postgres, in its own
 * transaction, and a runner whose token is older than one already seen is refused and stops.
 */
const STEP_MS = 7 * 86_400_000;
const BATCH = 100;
const FENCE_NAME = "horizon";

export class FencedError extends Error {
  constructor(token: number) {
    super(`horizon runner with fencing token ${token} was superseded by a newer runner`);
    this.name = "FencedError";
  }
}

export interface HorizonReport {
  outcome: "ran" | "skipped" | "fenced";
  /** Series materialised further. */
  extended: number;
  token?: number;
}

/** Raises the job's fence to `token` in the caller's transaction; throws when a newer runner was seen. */
export async function checkFence(tx: Tx, token: number, name = FENCE_NAME): Promise<void> {
  const rows = await tx.execute<{ token: string }>(sql`
    INSERT INTO job_fences (name, token, updated_at) VALUES (${name}, ${token}, now())
    ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token, updated_at = now()
      WHERE job_fences.token <= EXCLUDED.token
    RETURNING token`);
  if (rows.length === 0) throw new FencedError(token);
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Takes the lock with a new fencing token, or returns null when another runner holds it. */
export async function acquireHorizonLock(): Promise<number | null> {
  const [row] = await db().$sql<{ token: string }[]>`SELECT nextval('job_fence_tokens')::text AS token`;
  const token = Number(row!.token);
  const ok = await cacheRedis().set(keys.horizonLock(), String(token), "PX", ttl.horizonLockMs, "NX");
  return ok === "OK" ? token : null;
}

export async function releaseHorizonLock(token: number): Promise<void> {
  await cacheRedis().eval(RELEASE, 1, keys.horizonLock(), String(token));
}

export interface HorizonOptions {
  now?: Date;
  onProgress?: (line: string) => void;
  /** A token obtained elsewhere (tests of fencing); by default the job takes the lock itself. */
  token?: number;
  /** Only these organisations (tests); by default every organisation. */
  orgIds?: string[];
}

export async function runHorizonJob({ now = new Date(), onProgress, token: given, orgIds }: HorizonOptions = {}): Promise<HorizonReport> {
  const metrics = instruments();
  const token = given ?? (await acquireHorizonLock());
  if (token === null) {
    metrics.horizonRuns.inc({ outcome: "skipped" });
    onProgress?.("another instance is running the horizon job: nothing to do here");
    return { outcome: "skipped", extended: 0 };
  }
  let lost = false;
  const renewal = given
    ? undefined
    : setInterval(() => {
        cacheRedis()
          .eval(RENEW, 1, keys.horizonLock(), String(token), ttl.horizonLockMs)
          .then((renewed) => {
            if (renewed !== 1) lost = true;
          })
          .catch(() => {});
      }, ttl.horizonLockMs / 3);
  renewal?.unref();

  const until = horizonFrom(now);
  const threshold = new Date(until.getTime() - STEP_MS);
  let extended = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  const started = Date.now();
  try {
    for (;;) {
      const batch = await db().$sql<{ id: string; org_id: string }[]>`
        SELECT id, org_id FROM events
        WHERE rrule IS NOT NULL AND materialized_until < ${threshold.toISOString()}
          AND (series_end IS NULL OR series_end > materialized_until) AND id > ${after}
          ${orgIds ? db().$sql`AND org_id = ANY(${orgIds}::uuid[])` : db().$sql``}
        ORDER BY id LIMIT ${BATCH}`;
      if (batch.length === 0) break;
      for (const row of batch) {
        // The Redis lock is advisory (it may have expired); the fence in Postgres is what refuses.
        if (lost) throw new FencedError(token);
        if (await extendSeries(row.id, until, { guard: (tx) => checkFence(tx, token) })) {
          extended += 1;
          metrics.horizonExtended.inc();
          await syncEventAfterCommit(row.org_id, row.id);
        }
      }
      after = batch[batch.length - 1]!.id;
      onProgress?.(`${extended} series extended to ${until.toISOString().slice(0, 10)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    metrics.horizonRuns.inc({ outcome: "ran" });
    return { outcome: "ran", extended, token };
  } catch (error) {
    if (error instanceof FencedError) {
      metrics.horizonRuns.inc({ outcome: "fenced" });
      logger().warn({ token, extended }, "horizon job stopped: a newer runner took over");
      return { outcome: "fenced", extended, token };
    }
    metrics.horizonRuns.inc({ outcome: "failed" });
    throw error;
  } finally {
    clearInterval(renewal);
    if (!given) await releaseHorizonLock(token).catch(() => {});
  }
}

const globalForHorizon = globalThis as unknown as { cohortHorizonJob?: NodeJS.Timeout; cohortHorizonFirst?: NodeJS.Timeout };

/** Runs the job now and then every HORIZON_JOB_INTERVAL_MINUTES on every instance; the lock picks one. */
export function startHorizonJob(): void {
  if (globalForHorizon.cohortHorizonJob || env().HORIZON_JOB === "off") return;
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    runHorizonJob()
      .then((report) => {
        if (report.extended > 0) logger().info({ extended: report.extended, outcome: report.outcome }, "horizon job moved series forward");
      })
      .catch((error: unknown) => logger().warn({ err: error }, "horizon job failed; it runs again at the next interval"))
      .finally(() => {
        running = false;
      });
  };
  // Not at once: a fleet restarting together would all try at the same second; a little jitter spreads them.
  globalForHorizon.cohortHorizonFirst = setTimeout(tick, 5000 + Math.random() * 10_000);
  globalForHorizon.cohortHorizonFirst.unref();
  globalForHorizon.cohortHorizonJob = setInterval(tick, env().HORIZON_JOB_INTERVAL_MINUTES * 60_000);
  globalForHorizon.cohortHorizonJob.unref();
}

export function stopHorizonJob(): void {
  clearTimeout(globalForHorizon.cohortHorizonFirst);
  clearInterval(globalForHorizon.cohortHorizonJob);
  globalForHorizon.cohortHorizonJob = undefined;
}
