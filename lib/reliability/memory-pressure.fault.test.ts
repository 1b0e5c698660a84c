import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultServers, type FaultServers } from "@/lib/testing/faults/servers";

/** maxmemory + allkeys-lru on the cache: evicted index keys are rebuilt, never served partially. */
let servers: FaultServers;
const MAXMEMORY = "2mb";

beforeAll(async () => {
  servers = await startFaultServers("memory-pressure", { appPorts: 1, cacheArgs: ["--maxmemory", MAXMEMORY, "--maxmemory-policy", "allkeys-lru"] });
});
afterAll(() => servers?.stop());

describe("memory pressure on the cache", () => {
  it("answers every window exactly as Postgres does while Redis evicts index keys", async () => {
    const { runMemoryPressure } = await import("@/lib/testing/faults/memory-pressure-scenario");
    const { cache, sessions, appPorts, prefix } = servers;
    const figures = await runMemoryPressure({ cacheUrl: cache.url, sessionsUrl: sessions.url, appPort: appPorts[0]!, prefix, maxmemory: MAXMEMORY });
    expect(figures.evictedKeys, "keys Redis evicted (the scenario must put it under pressure)").toBeGreaterThan(0);
    expect(figures.reads.failed, "failed reads").toBe(0);
    expect(figures.mismatches, "answers that differ from Postgres").toEqual([]);
    expect(figures.writesAcknowledged, "writes acknowledged (4 rounds × 4 organisations × 3)").toBe(48);
    expect(figures.differences, "index differences").toEqual([]);
  });
});
