import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startRedisServer } from "@/scripts/lib/redis-servers.mjs";
import { extraPgPortRange, extraPortRange, faultDataDir, overrideEnv } from "@/scripts/testing/fault-env.mjs";
import type { PostgresServer } from "@/lib/testing/faults/database";

/** Redis restarted empty: 50 concurrent requests rebuild each index unit from Postgres at most once. */
type Redis = Awaited<ReturnType<typeof startRedisServer>>;
let cache: Redis;
let sessions: Redis;
let database: { server: PostgresServer; url: string };
const ports = await freePorts(3, extraPortRange(), "TEST_EXTRA_PORTS");
const [pgPort] = await freePorts(1, extraPgPortRange(), "TEST_EXTRA_PG_PORTS");
const prefix = `fault-stampede-${Date.now().toString(36)}:`;

beforeAll(async () => {
  cache = await startRedisServer({ dir: faultDataDir("stampede/cache"), port: ports[0]!, name: "cache redis" });
  sessions = await startRedisServer({ dir: faultDataDir("stampede/sessions"), port: ports[1]!, name: "session redis" });
  const { startFaultDatabase } = await import("@/lib/testing/faults/database");
  database = await startFaultDatabase("stampede", pgPort!);
  overrideEnv({ DATABASE_URL: database.url, REDIS_URL: cache.url, SESSION_REDIS_URL: sessions.url, REDIS_KEY_PREFIX: prefix, REDIS_CLUSTER_NODES: undefined, LOG_LEVEL: "error" });
});

afterAll(async () => {
  const { closeDb } = await import("@/lib/db/client");
  const { closeRedis } = await import("@/lib/redis/client");
  await closeDb();
  await closeRedis();
  await database?.server.stop("immediate");
  await cache?.stop();
  await sessions?.stop();
});

describe("rehydration stampede", () => {
  it("rebuilds each unit once from Postgres under 50 concurrent requests after an empty restart", async () => {
    const { runStampede } = await import("@/lib/testing/faults/stampede-scenario");
    const { bursts, wholeIndex } = await runStampede({ url: database.url, cache, sessionsUrl: sessions.url, appPort: ports[2]!, prefix });
    for (const burst of bursts) {
      expect(burst.requests.failed, `${burst.name}: failed requests`).toBe(0);
      expect(burst.differentAnswers, `${burst.name}: answers that differ from Postgres`).toBe(0);
      expect(burst.unitsRebuilt, `${burst.name}: units rebuilt`).toBeGreaterThan(0);
      expect(burst.mostRebuildsOfOneUnit, `${burst.name}: rebuilds of one unit`).toBe(1);
    }
    expect(wholeIndex.differences, "differences in the whole index").toEqual([]);
    expect(wholeIndex.orphanKeys, "keys of organisations Postgres does not have").toEqual([]);
  });
});
