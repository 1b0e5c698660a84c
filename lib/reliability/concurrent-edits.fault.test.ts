import { describe, expect, it } from "vitest";
import { freePorts } from "@/scripts/lib/redis-servers.mjs";
import { extraPortRange, overrideEnv } from "@/scripts/testing/fault-env.mjs";

/**
 * Hundreds of concurrent conflicting edits of one series on two instances: each acknowledged write is
 * applied (one unbroken version chain), every other one is a 409, and Redis equals Postgres.
 */
const ports = await freePorts(2, extraPortRange(), "TEST_EXTRA_PORTS");
const prefix = `fault-edits-${Date.now().toString(36)}:`;
overrideEnv({ REDIS_KEY_PREFIX: prefix, LOG_LEVEL: "error" });

describe("concurrent conflicting edits", () => {
  it("applies or refuses every edit, loses none, and ends with Redis equal to Postgres", async () => {
    const { runConcurrentEdits } = await import("@/lib/testing/faults/concurrent-edits-scenario");
    const figures = await runConcurrentEdits({ appPorts: [ports[0]!, ports[1]!], prefix });
    expect(figures.attempts.failed, "answers other than 200 or 409").toBe(0);
    expect(figures.pairsWithOneWinner, "simultaneous drags of one occurrence with exactly one winner").toBe(figures.pairs);
    expect(figures.acknowledgedWrites).toBeGreaterThan(20);
    expect(figures.acknowledgedWrites, "acknowledged writes vs versions the series advanced").toBe(figures.versionsAdvanced);
    expect(figures.chainUnbroken, "acknowledged versions form one unbroken chain").toBe(true);
    expect(figures.finalEqualsLastAcknowledged, "the final series is what the last acknowledged edit answered").toBe(true);
    expect(figures.indexEqualsPostgres, "the feed from the index equals the feed from Postgres").toBe(true);
    expect(figures.differences, "index differences").toEqual([]);
  });
});
