import "server-only";
import { env } from "@/lib/env";
import { redisBreakers } from "@/lib/redis/client";
import type { BreakerState } from "@/lib/reliability/circuit-breaker";
import { checkHealth, type Health } from "@/lib/health/check-health";
import { flushMinuteStats, hitRatio, readMinuteStats, type MinuteStats } from "@/lib/metrics/minute-stats";
import {
  activeSessions,
  bounded,
  orgIndexKeys,
  outboxBacklog,
  redisMemory,
  roundTrips,
  type OrgIndexKeys,
  type OutboxBacklog,
  type RedisMemory,
} from "./system-status";

/**
 * Everything the admin System page shows, with the warning thresholds applied here (not in the page),
 * so they are the same numbers the production guide tells operators to alert on.
 */
export type Level = "ok" | "warn" | "alert" | "unknown";

export const THRESHOLDS = {
  /** Below this the cache is "worth less than it costs". */
  hitRatio: 0.8,
  /** Cache Redis memory used over maxmemory. */
  memory: 0.85,
  /** Outbox rows older than this mean the reconciler cannot reach Redis. */
  outboxWarnSeconds: 10,
  outboxAlertSeconds: 60,
  /** Round trips slower than this (ms) on the same network deserve a look. */
  roundTripWarnMs: 20,
};

export const STATS_MINUTES = 15;
const EVICTION_WINDOW_MINUTES = 5;

export interface SystemReport {
  generatedAt: string;
  health: Health;
  cache: {
    ratio15: number | null;
    ratio5: number | null;
    level: Level;
    minutes: MinuteStats[];
  };
  cacheRedis: { memory: RedisMemory | null; memoryLevel: Level; evictionsRecent: number | null; evictionLevel: Level; policyLevel: Level };
  sessionRedis: { separate: boolean; memory: RedisMemory | null; policyLevel: Level; sessions: number | null };
  orgKeys: OrgIndexKeys | null;
  outbox: { backlog: OutboxBacklog | null; level: Level };
  roundTrips: { postgres: number | null; redis: number | null; sessions: number | null; level: Level };
  /** The Redis circuit breakers ("open": calls fail fast and reads come from Postgres). */
  breakers: { cache: BreakerState | null; sessions: BreakerState | null };
}

export function memoryLevel(memory: RedisMemory | null): Level {
  if (!memory) return "unknown";
  if (memory.maxBytes === 0) return "warn"; // no limit: the cache grows until the machine runs out
  return memory.usedBytes / memory.maxBytes > THRESHOLDS.memory ? "alert" : "ok";
}

export function ratioLevel(ratio: number | null): Level {
  if (ratio === null) return "unknown";
  return ratio < THRESHOLDS.hitRatio ? "alert" : "ok";
}

/** Evictions during the last minutes, from the counter noted each minute; null without two samples. */
export function recentEvictions(minutes: MinuteStats[], windowMinutes = EVICTION_WINDOW_MINUTES): number | null {
  const samples = minutes.slice(-windowMinutes - 1).filter((m) => m.evictedKeys !== null);
  if (samples.length < 2) return null;
  // The counter restarts with Redis: a drop means a restart, count from there.
  let total = 0;
  for (let i = 1; i < samples.length; i += 1) {
    const delta = samples[i]!.evictedKeys! - samples[i - 1]!.evictedKeys!;
    total += delta >= 0 ? delta : samples[i]!.evictedKeys!;
  }
  return total;
}

export function outboxLevel(backlog: OutboxBacklog | null): Level {
  if (!backlog) return "unknown";
  if (backlog.oldestSeconds > THRESHOLDS.outboxAlertSeconds) return "alert";
  return backlog.oldestSeconds > THRESHOLDS.outboxWarnSeconds ? "warn" : "ok";
}

export async function systemReport(orgId: string, now = Date.now()): Promise<SystemReport> {
  // This instance's counts of the last seconds first, so a page view right after reads shows them.
  await bounded(() => flushMinuteStats());
  const separate = env().SESSION_REDIS_URL !== env().REDIS_URL;
  const [health, minutes, cacheMemory, sessionMemory, sessions, orgKeys, backlog, rtt] = await Promise.all([
    checkHealth(),
    bounded(() => readMinuteStats(STATS_MINUTES, now)).then((m) => m ?? []),
    redisMemory("cache"),
    separate ? redisMemory("sessions") : Promise.resolve(null),
    activeSessions(now),
    orgIndexKeys(orgId),
    outboxBacklog(),
    roundTrips(),
  ]);
  const ratio15 = hitRatio(minutes);
  const ratio5 = hitRatio(minutes.slice(-5));
  const evictionsRecent = recentEvictions(minutes);
  const sessionsMemory = separate ? sessionMemory : cacheMemory;
  const slowest = Math.max(rtt.postgres ?? 0, rtt.redis ?? 0, rtt.sessions ?? 0);
  return {
    generatedAt: new Date(now).toISOString(),
    health,
    cache: { ratio15, ratio5, level: ratioLevel(ratio5 ?? ratio15), minutes },
    cacheRedis: {
      memory: cacheMemory,
      memoryLevel: memoryLevel(cacheMemory),
      evictionsRecent,
      evictionLevel:
        evictionsRecent !== null ? (evictionsRecent > 0 ? "alert" : "ok") : cacheMemory?.evictedKeys === 0 ? "ok" : "unknown",
      // Evicting the index is fine (it rehydrates); a cache that refuses writes when full is not.
      policyLevel: !cacheMemory ? "unknown" : cacheMemory.policy === "noeviction" && separate ? "warn" : "ok",
    },
    sessionRedis: {
      separate,
      memory: sessionsMemory,
      // Sessions must never be evicted, and must survive a restart.
      policyLevel: !sessionsMemory ? "unknown" : sessionsMemory.policy === "noeviction" && sessionsMemory.aof ? "ok" : "alert",
      sessions,
    },
    orgKeys,
    outbox: { backlog, level: outboxLevel(backlog) },
    breakers: { cache: redisBreakers().cache?.state ?? null, sessions: redisBreakers().sessions?.state ?? null },
    roundTrips: { ...rtt, level: rtt.postgres === null || rtt.redis === null ? "alert" : slowest > THRESHOLDS.roundTripWarnMs ? "warn" : "ok" },
  };
}
