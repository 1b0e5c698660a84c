import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultServers, type FaultServers } from "@/lib/testing/faults/servers";

/**
 * The cache Redis goes away (stopped, then frozen so that commands hang) while staff read and write, with
 * sessions on their own instance as DESIGN.md recommends. Reads keep answering from Postgres, writes keep
 * committing, and when the cache comes back with its old contents (AOF) nothing stale or deleted is
 * served: the index catches up from the outbox first.
 */
let servers: FaultServers;

beforeAll(async () => {
  servers = await startFaultServers("cache-outage", { appPorts: 3, persistent: true });
});
afterAll(() => servers?.stop());

describe("cache Redis outage", () => {
  it("keeps reads and writes answering, then serves nothing stale once the cache is back", async () => {
    // Imported after overrideEnv: lib/ reads its configuration on first use.
    const { runCacheOutage } = await import("@/lib/testing/faults/cache-outage-scenario");
    const { cache, sessions, appPorts, prefix } = servers;
    const figures = await runCacheOutage({ cache, appPorts: [appPorts[0]!, appPorts[1]!, appPorts[2]!], prefix, sessionsUrl: sessions.url });
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
