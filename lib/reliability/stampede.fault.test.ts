import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultServers, type FaultServers } from "@/lib/testing/faults/servers";

/** Redis restarted empty: 50 concurrent requests rebuild each index unit from Postgres at most once. */
let servers: FaultServers;

beforeAll(async () => {
  servers = await startFaultServers("stampede", { appPorts: 1, database: true });
});
afterAll(() => servers?.stop());

describe("rehydration stampede", () => {
  it("rebuilds each unit once from Postgres under 50 concurrent requests after an empty restart", async () => {
    const { runStampede } = await import("@/lib/testing/faults/stampede-scenario");
    const { cache, sessions, database, appPorts, prefix } = servers;
    const { bursts, wholeIndex } = await runStampede({ url: database!.url, cache, sessionsUrl: sessions.url, appPort: appPorts[0]!, prefix });
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
