import "server-only";
import { db } from "@/lib/db/client";
import { cacheRedis, sessionRedis, sharedServer } from "@/lib/redis/client";

export type DependencyState = "up" | "down";

export interface DependencyCheck {
  state: DependencyState;
  /** Round trip of the probe (ms), also when it failed. */
  latencyMs: number;
  /** Why it is down; never the error text (it may name internal hosts). */
  reason?: "timeout" | "error";
  /** What this dependency's state means for users. */
  role: string;
}

/** DESIGN.md's contract `{status, postgres, redis, sessions}`, plus `checks` naming each dependency. */
export interface Health {
  status: "ok" | "degraded" | "down";
  postgres: DependencyState;
  redis: DependencyState;
  sessions: DependencyState;
  checks: { postgres: DependencyCheck; redis: DependencyCheck; sessions: DependencyCheck };
}

const PROBE_TIMEOUT_MS = 1000;

async function probe(check: () => Promise<unknown>, role: string): Promise<DependencyCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), PROBE_TIMEOUT_MS);
  });
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const outcome = await Promise.race([check(), timeout]);
    if (outcome === "timeout") return { state: "down", latencyMs: latency(), reason: "timeout", role };
    return { state: "up", latencyMs: latency(), role };
  } catch {
    return { state: "down", latencyMs: latency(), reason: "error", role };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ready while someone can be authenticated (the session store answers) and data can come from at least
 * one store; degraded when the cache or Postgres is away but the other answers (still ready).
 */
export async function checkHealth(): Promise<Health> {
  const sameRedis = sharedServer();
  const [postgres, redis, separateSessions] = await Promise.all([
    probe(() => db().$sql`SELECT 1`, "source of truth: without it no writes, reads only from the cache"),
    probe(() => cacheRedis().ping(), "event index and cache: without it reads come from Postgres"),
    sameRedis ? Promise.resolve(undefined) : probe(() => sessionRedis().ping(), "sessions: without them nobody can sign in"),
  ]);
  const sessions = separateSessions ?? { ...redis, role: "sessions (same Redis as the cache): without them nobody can sign in" };
  const status =
    sessions.state === "down" || (postgres.state === "down" && redis.state === "down")
      ? "down"
      : postgres.state === "up" && redis.state === "up"
        ? "ok"
        : "degraded";
  return { status, postgres: postgres.state, redis: redis.state, sessions: sessions.state, checks: { postgres, redis, sessions } };
}
