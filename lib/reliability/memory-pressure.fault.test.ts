import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startRedisServer } from "@/scripts/lib/redis-servers.mjs";
import { extraPortRange, faultDataDir, overrideEnv } from "@/scripts/testing/fault-env.mjs";

/** maxmemory + allkeys-lru on the cache: evicted index keys are rebuilt, never served partially. */
type Redis = Awaited<ReturnType<typeof startRedisServer>>;
let cache: Redis;
let sessions: Redis;
const ports = await freePorts(3, extraPortRange(), "TEST_EXTRA_PORTS");
const prefix = `fault-memory-${Date.now().toString(36)}:`;
const MAXMEMORY = "2mb";

beforeAll(async () => {
  cache = await startRedisServer({
    dir: faultDataDir("memory-pressure/cache"),
    port: ports[0]!,
    name: "cache redis",
    args: ["--maxmemory", MAXMEMORY, "--maxmemory-policy", "allkeys-lru"],
  });
  sessions = await startRedisServer({ dir: faultDataDir("memory-pressure/sessions"), port: ports[1]!, name: "session redis" });
  overrideEnv({ REDIS_URL: cache.url, SESSION_REDIS_URL: sessions.url, REDIS_KEY_PREFIX: prefix, REDIS_CLUSTER_NODES: undefined, LOG_LEVEL: "error" });
});

afterAll(async () => {
  const { closeRedis } = await import("@/lib/redis/client");
  await closeRedis();
  await cache?.stop();
  await sessions?.stop();
});

describe("memory pressure on the cache", () => {
  it("answers every window exactly as Postgres does while Redis evicts index keys", async () => {
    const { runMemoryPressure } = await import("@/lib/testing/faults/memory-pressure-scenario");
    const figures = await runMemoryPressure({ cacheUrl: cache.url, sessionsUrl: sessions.url, appPort: ports[2]!, prefix, maxmemory: MAXMEMORY });
    expect(figures.evictedKeys, "keys Redis evicted (the scenario must put it under pressure)").toBeGreaterThan(0);
    expect(figures.reads.failed, "failed reads").toBe(0);
    expect(figures.mismatches, "answers that differ from Postgres").toEqual([]);
    expect(figures.writesAcknowledged, "writes acknowledged (4 rounds × 4 organisations × 3)").toBe(48);
    expect(figures.differences, "index differences").toEqual([]);
  });
});
