import type Redis from "ioredis";

/**
 * Runs `work` with the process's cache and session connections replaced by `client` (e.g. one to a port
 * nobody listens on), then puts the real ones back. Reaches into lib/redis/client.ts's per-process slot.
 */
export async function withRedisConnections<T>(client: Redis, work: () => Promise<T>): Promise<T> {
  const slot = globalThis as unknown as { cohortRedis?: unknown };
  const saved = slot.cohortRedis;
  const connection = { client, breaker: undefined };
  slot.cohortRedis = { cache: connection, sessions: connection };
  try {
    return await work();
  } finally {
    slot.cohortRedis = saved;
  }
}
