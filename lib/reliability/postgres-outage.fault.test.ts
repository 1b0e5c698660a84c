import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startRedisServer } from "@/scripts/lib/redis-servers.mjs";
import { extraPgPortRange, extraPortRange, faultDataDir, overrideEnv } from "@/scripts/testing/fault-env.mjs";
import type { PostgresServer } from "@/lib/testing/faults/database";

/**
 * Postgres stopped, frozen, or slow: reads of hydrated windows keep being served from Redis, writes fail
 * with a clear 503 and leave nothing half-written in either store, and /api/health says degraded.
 */
type Redis = Awaited<ReturnType<typeof startRedisServer>>;
let cache: Redis;
let sessions: Redis;
let database: { server: PostgresServer; url: string };
const ports = await freePorts(3, extraPortRange(), "TEST_EXTRA_PORTS");
const [pgPort] = await freePorts(1, extraPgPortRange(), "TEST_EXTRA_PG_PORTS");
const prefix = `fault-pg-${Date.now().toString(36)}:`;

beforeAll(async () => {
  cache = await startRedisServer({ dir: faultDataDir("postgres-outage/cache"), port: ports[0]!, name: "cache redis" });
  sessions = await startRedisServer({ dir: faultDataDir("postgres-outage/sessions"), port: ports[1]!, name: "session redis" });
  const { startFaultDatabase } = await import("@/lib/testing/faults/database");
  database = await startFaultDatabase("postgres-outage", pgPort!);
  overrideEnv({ DATABASE_URL: database.url, REDIS_URL: cache.url, SESSION_REDIS_URL: sessions.url, REDIS_KEY_PREFIX: prefix, REDIS_CLUSTER_NODES: undefined, LOG_LEVEL: "error" });
});

afterAll(async () => {
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  await database?.server.stop("immediate");
  await cache?.stop();
  await sessions?.stop();
});

describe("Postgres outage", () => {
  it("serves hydrated windows from Redis and refuses writes with 503, leaving nothing half-written", async () => {
    const { runPostgresOutage } = await import("@/lib/testing/faults/postgres-outage-scenario");
    const { faults } = await runPostgresOutage({ ...database, cacheUrl: cache.url, sessionsUrl: sessions.url, appPort: ports[2]!, prefix });
    for (const fault of faults) {
      expect(fault.reads.failed, `${fault.name}: reads of hydrated windows that failed`).toBe(0);
      expect(fault.writes.failed, `${fault.name}: writes not refused with 503`).toBe(0);
      expect(fault.halfWritten, `${fault.name}: left by refused writes`).toEqual([]);
      expect(fault.afterwardsWrite, `${fault.name}: a write once Postgres is back`).toBe(201);
      expect(fault.differences, `${fault.name}: index differences`).toEqual([]);
    }
    const [stopped, frozen] = faults;
    expect(stopped!.health).toMatchObject({ status: 200, body: { status: "degraded", postgres: "down" } });
    expect(frozen!.health).toMatchObject({ status: 200, body: { status: "degraded", postgres: "down" } });
  });
});
