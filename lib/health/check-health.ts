import "server-only";
import { db } from "@/lib/db/client";
import { cacheRedis, sessionRedis, sharedServer } from "@/lib/redis/client";

export type DependencyState = "up" | "down";
export interface Health {
  status: "ok" | "degraded" | "down";
  postgres: DependencyState;
  redis: DependencyState;
  sessions: DependencyState;
}

const PROBE_TIMEOUT_MS = 1000;

async function probe(check: () => Promise<unknown>): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return "up";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ready while someone can be authenticated (the session store answers) and data can come from at least
 * one store; degraded when the cache or Postgres is away but the other answers.
 */
export async function checkHealth(): Promise<Health> {
  const sameRedis = sharedServer();
  const [postgres, redis, separateSessions] = await Promise.all([
    probe(() => db().$sql`SELECT 1`),
    probe(() => cacheRedis().ping()),
    sameRedis ? Promise.resolve(undefined) : probe(() => sessionRedis().ping()),
  ]);
  const sessions = separateSessions ?? redis;
  const status =
    sessions === "down" || (postgres === "down" && redis === "down")
      ? "down"
      : postgres === "up" && redis === "up"
        ? "ok"
        : "degraded";
  return { status, postgres, redis, sessions };
}
