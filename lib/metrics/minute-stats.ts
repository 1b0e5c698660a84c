import "server-only";
import { logger } from "@/lib/logger";
import { cacheRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import { readListeners, type ReadResult } from "./instruments";
import { redisInfo } from "@/lib/ops/redis-nodes";

/**
 * Per-minute feed read outcomes summed over every app instance, for the System page's "hit ratio over
 * the last minutes" (Prometheus has the same counters per instance; this needs no Prometheus). Each
 * instance counts in memory and adds its counts to one Redis hash per minute every few seconds, so the
 * read path itself never writes to Redis for statistics. Once a minute it also notes Redis' eviction
 * counter, so the page can tell whether evictions are climbing.
 */
export interface MinuteStats {
  minute: number;
  /** Answered from the app's memory (hot windows). */
  hot: number;
  hit: number;
  miss: number;
  fallback: number;
  error: number;
  bypass: number;
  /** Redis' evicted_keys counter seen during the minute (null when nobody noted it). */
  evictedKeys: number | null;
}

const FLUSH_EVERY_MS = 5000;
const RESULTS: ReadResult[] = ["hot", "hit", "miss", "fallback", "error", "bypass"];

interface State {
  pending: Map<string, number>;
  timer?: NodeJS.Timeout;
  lastEvictionMinute?: number;
  flushing?: Promise<void>;
}
const globalForStats = globalThis as unknown as { cohortMinuteStats?: State };
const state: State = (globalForStats.cohortMinuteStats ??= { pending: new Map<string, number>() });

const currentMinute = (now = Date.now()) => Math.floor(now / 60_000);

function count(_kind: string, result: ReadResult): void {
  const key = `${currentMinute()}|${result}`;
  state.pending.set(key, (state.pending.get(key) ?? 0) + 1);
}

/** Starts counting this process's reads and flushing them (idempotent; the timer does not hold the process). */
export function startMinuteStats(): void {
  readListeners.add(count);
  if (state.timer) return;
  state.timer = setInterval(() => {
    flushMinuteStats().catch((error: unknown) => logger().debug({ err: error }, "minute statistics flush failed"));
  }, FLUSH_EVERY_MS);
  state.timer.unref();
}

export function stopMinuteStats(): void {
  readListeners.delete(count);
  clearInterval(state.timer);
  state.timer = undefined;
}

/** Adds what this process counted to Redis. Counts are kept for the next flush if Redis is away. */
export async function flushMinuteStats(now = Date.now()): Promise<void> {
  if (state.flushing) return state.flushing;
  state.flushing = (async () => {
    const batch = [...state.pending.entries()];
    state.pending.clear();
    const redis = cacheRedis();
    try {
      const pipeline = redis.pipeline();
      const minutes = new Set<number>();
      for (const [key, n] of batch) {
        const [minute, result] = key.split("|");
        pipeline.hincrby(keys.opsMinuteStats(Number(minute)), result!, n);
        minutes.add(Number(minute));
      }
      const minute = currentMinute(now);
      if (state.lastEvictionMinute !== minute) {
        const info = await redisInfo(redis, "stats");
        pipeline.hset(keys.opsMinuteStats(minute), "evicted_keys", info.evicted_keys ?? "0");
        minutes.add(minute);
        state.lastEvictionMinute = minute;
      }
      for (const m of minutes) pipeline.expire(keys.opsMinuteStats(m), ttl.opsMinuteStatsSeconds);
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0];
    } catch (error) {
      for (const [key, n] of batch) state.pending.set(key, (state.pending.get(key) ?? 0) + n);
      throw error;
    }
  })().finally(() => {
    state.flushing = undefined;
  });
  return state.flushing;
}

/** The last `minutes` minutes, oldest first (the current, incomplete minute last). */
export async function readMinuteStats(minutes: number, now = Date.now()): Promise<MinuteStats[]> {
  const last = currentMinute(now);
  const wanted = Array.from({ length: minutes }, (_, i) => last - minutes + 1 + i);
  const pipeline = cacheRedis().pipeline();
  for (const minute of wanted) pipeline.hgetall(keys.opsMinuteStats(minute));
  const replies = (await pipeline.exec()) ?? [];
  return wanted.map((minute, i) => {
    const hash = ((replies[i]?.[1] as Record<string, string> | null) ?? {}) as Record<string, string>;
    const stats = { minute, evictedKeys: hash.evicted_keys === undefined ? null : Number(hash.evicted_keys) } as MinuteStats;
    for (const result of RESULTS) stats[result] = Number(hash[result] ?? 0);
    return stats;
  });
}

/**
 * Hits (either tier: hot windows or the Redis index) over every read the cache was asked; bypasses are
 * not the cache's fault. Null with no reads.
 */
export function hitRatio(stats: (Pick<MinuteStats, "hit" | "miss" | "fallback" | "error"> & { hot?: number })[]): number | null {
  let hits = 0;
  let asked = 0;
  for (const s of stats) {
    hits += (s.hot ?? 0) + s.hit;
    asked += (s.hot ?? 0) + s.hit + s.miss + s.fallback + s.error;
  }
  return asked === 0 ? null : hits / asked;
}
