import "server-only";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { cacheRedis, sessionRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { redisInfo, scanKeys } from "./redis-nodes";

/**
 * What an operator looks at to know the stores are healthy: shared by the System page and the
 * scrape-time gauges of `/api/metrics`. Every probe is bounded in time and reports failure as null
 * instead of throwing, so one dependency being away never blanks the whole page or the scrape.
 */
const PROBE_TIMEOUT_MS = 1000;

export async function bounded<T>(work: () => Promise<T>, timeoutMs = PROBE_TIMEOUT_MS): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    return await Promise.race([work(), timeout]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Round-trip time in ms of the cheapest call to each store (the median of three), null when away. */
export async function roundTrips(): Promise<{ postgres: number | null; redis: number | null; sessions: number | null }> {
  const time = async (call: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const started = performance.now();
      await call();
      samples.push(performance.now() - started);
    }
    return samples.sort((a, b) => a - b)[1]!;
  };
  const separate = env().SESSION_REDIS_URL !== env().REDIS_URL;
  const [postgres, redis, sessions] = await Promise.all([
    bounded(() => time(() => db().$sql`SELECT 1`)),
    bounded(() => time(() => cacheRedis().ping())),
    separate ? bounded(() => time(() => sessionRedis().ping())) : Promise.resolve(undefined),
  ]);
  return { postgres, redis, sessions: sessions === undefined ? redis : sessions };
}

export interface RedisMemory {
  usedBytes: number;
  /** 0: no limit configured. */
  maxBytes: number;
  policy: string;
  evictedKeys: number;
  /** AOF on (what the session store needs). */
  aof: boolean;
}

export async function redisMemory(which: "cache" | "sessions"): Promise<RedisMemory | null> {
  const client = which === "cache" ? cacheRedis() : sessionRedis();
  return bounded(async () => {
    const [memory, stats, persistence] = await Promise.all([
      redisInfo(client, "memory"),
      redisInfo(client, "stats"),
      redisInfo(client, "persistence"),
    ]);
    return {
      usedBytes: Number(memory.used_memory ?? 0),
      maxBytes: Number(memory.maxmemory ?? 0),
      policy: memory.maxmemory_policy ?? "unknown",
      evictedKeys: Number(stats.evicted_keys ?? 0),
      aof: persistence.aof_enabled === "1",
    };
  });
}

export interface OutboxBacklog {
  rows: number;
  events: number;
  oldestSeconds: number;
}

/** Index work committed in Postgres but not yet in Redis (the reconciler drains it every second). */
export async function outboxBacklog(): Promise<OutboxBacklog | null> {
  return bounded(async () => {
    const [row] = await db().$sql<{ rows: number; events: number; oldest: number | null }[]>`
      SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS events,
             extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS oldest
      FROM index_outbox`;
    return { rows: row?.rows ?? 0, events: row?.events ?? 0, oldestSeconds: row?.oldest ?? 0 };
  });
}

const SESSIONS_CACHE_MS = 30_000;
const globalForSessions = globalThis as unknown as { cohortSessionCount?: { at: number; value: number } };

/**
 * Live session records, counted with SCAN on the session store (cached for 30 s: scrapes and page views
 * must not walk the keyspace each time). Sessions expire by TTL, so the count is exact up to that delay.
 */
export async function activeSessions(now = Date.now()): Promise<number | null> {
  const cached = globalForSessions.cohortSessionCount;
  if (cached && now - cached.at < SESSIONS_CACHE_MS) return cached.value;
  const value = await bounded(() => scanKeys(sessionRedis(), keys.session("*"), () => {}), 5000);
  if (value !== null) globalForSessions.cohortSessionCount = { at: now, value };
  return value;
}

export interface OrgIndexKeys {
  /** The organisation's sorted set exists, and how many occurrences it holds. */
  orgSetMembers: number | null;
  /** Patients whose sorted set exists (hydrated or written through). */
  patientSets: number;
  patients: number;
  /** Event records present, of the organisation's events in Postgres. */
  eventRecords: number;
  events: number;
}

/**
 * How much of one organisation's index Redis holds, asked key by key (EXISTS on the names Postgres says
 * should exist: no keyspace scan, and every key shares the organisation's cluster slot).
 */
export async function orgIndexKeys(orgId: string): Promise<OrgIndexKeys | null> {
  return bounded(async () => {
    const sql = db().$sql;
    const [patientRows, eventRows] = await Promise.all([
      sql<{ id: string }[]>`SELECT id FROM patients WHERE org_id = ${orgId}`,
      sql<{ id: string }[]>`SELECT id FROM events WHERE org_id = ${orgId}`,
    ]);
    const redis = cacheRedis();
    const exists = async (names: string[]) => {
      let found = 0;
      for (let i = 0; i < names.length; i += 1000) {
        const pipeline = redis.pipeline();
        for (const name of names.slice(i, i + 1000)) pipeline.exists(name);
        for (const [, value] of (await pipeline.exec()) ?? []) found += Number(value ?? 0);
      }
      return found;
    };
    const members = await redis.zcard(keys.orgEvents(orgId));
    const exists0 = await redis.exists(keys.orgEvents(orgId));
    return {
      orgSetMembers: exists0 ? members : null,
      patientSets: await exists(patientRows.map((p) => keys.patientEvents(orgId, p.id))),
      patients: patientRows.length,
      eventRecords: await exists(eventRows.map((e) => keys.eventRecord(orgId, e.id))),
      events: eventRows.length,
    };
  }, 5000);
}
