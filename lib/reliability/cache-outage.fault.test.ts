import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, freePorts } from "@/scripts/lib/redis-servers.mjs";
import { extraPortRange, faultDataDir, overrideEnv } from "@/scripts/testing/fault-env.mjs";

/**
 * The cache Redis goes away (stopped, then frozen so that commands hang) while staff read and write, with
 * sessions on their own instance as DESIGN.md recommends. Reads keep answering from Postgres, writes keep
 * committing, and when the cache comes back with its old contents (AOF) nothing stale or deleted is
 * served: the index catches up from the outbox first.
 */
type Servers = Awaited<ReturnType<typeof startRedisServer>>;
let cache: Servers;
let sessions: Servers;
const ports = await freePorts(5, extraPortRange(), "TEST_EXTRA_PORTS");
const prefix = `fault-cache-${Date.now().toString(36)}:`;

beforeAll(async () => {
  cache = await startRedisServer({ dir: faultDataDir("cache-outage/cache"), port: ports[0]!, persistent: true, name: "cache redis" });
  sessions = await startRedisServer({ dir: faultDataDir("cache-outage/sessions"), port: ports[1]!, persistent: true, name: "session redis" });
  overrideEnv({ REDIS_URL: cache.url, SESSION_REDIS_URL: sessions.url, REDIS_KEY_PREFIX: prefix, REDIS_CLUSTER_NODES: undefined, LOG_LEVEL: "error" });
});

afterAll(async () => {
  await cache?.stop();
  await sessions?.stop();
});

describe("cache Redis outage", () => {
  it("keeps reads and writes answering, then serves nothing stale once the cache is back", async () => {
    // Imported after overrideEnv: lib/ reads its configuration on first use.
    const { runCacheOutage } = await import("@/lib/testing/faults/cache-outage-scenario");
    const figures = await runCacheOutage({ cache, appPorts: [ports[2]!, ports[3]!, ports[4]!], prefix, sessionsUrl: sessions.url });
    for (const fault of figures.faults) {
      expect(fault.outage.reads.failed, `${fault.name}: reads that failed during the outage`).toBe(0);
      expect(fault.outage.writes.failed, `${fault.name}: writes refused during the outage`).toBe(0);
      expect(fault.staleServed, `${fault.name}: stale or deleted occurrences served`).toEqual([]);
      expect(fault.afterwards.reads.failed, `${fault.name}: reads that failed after the return`).toBe(0);
      expect(fault.missingAfterwards, `${fault.name}: acknowledged writes not found afterwards`).toEqual([]);
      expect(fault.differences, `${fault.name}: index differences`).toEqual([]);
    }
  });
});
