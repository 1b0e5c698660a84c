import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultServers, type FaultServers } from "@/lib/testing/faults/servers";

/**
 * Postgres stopped, frozen, or slow: reads of hydrated windows keep being served from Redis, writes fail
 * with a clear 503 and leave nothing half-written in either store, and /api/health says degraded.
 */
let servers: FaultServers;

beforeAll(async () => {
  servers = await startFaultServers("postgres-outage", { appPorts: 1, database: true });
});
afterAll(() => servers?.stop());

describe("Postgres outage", () => {
  it("serves hydrated windows from Redis and refuses writes with 503, leaving nothing half-written", async () => {
    const { runPostgresOutage } = await import("@/lib/testing/faults/postgres-outage-scenario");
    const { cache, sessions, database, appPorts, prefix } = servers;
    const { faults } = await runPostgresOutage({ ...database!, cacheUrl: cache.url, sessionsUrl: sessions.url, appPort: appPorts[0]!, prefix });
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
