import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnRedis, stopOwnRedis, type OwnRedis } from "@/lib/testing/own-redis";
import { waitFor } from "@/lib/testing/wait-for";

/**
 * The live channel's heartbeat against a real redis-server of this test's own, frozen with SIGSTOP: a
 * frozen server closes nothing and sends nothing, so only the heartbeat can tell. What must hold is an
 * ordering, not a duration: by the time any command to the frozen server can have timed out (the moment
 * another instance would acknowledge a write without indexing it), this instance reads nothing from the
 * index or its hot windows, and it reads from them again only after the outbox has been replayed.
 */
let server: OwnRedis;

beforeAll(async () => {
  server = await startOwnRedis("heartbeat", { REDIS_COMMAND_TIMEOUT_MS: "200", REDIS_BREAKER_FAILURES: "1000" });
});
afterAll(() => stopOwnRedis(server));

describe("live channel heartbeat", () => {
  it("takes reads off the index before a command to a frozen server can time out, and back after the replay", async () => {
    const { startInvalidationListener } = await import("@/lib/events/index/live-subscriber");
    const { indexReadable, indexRecoveryStats, startIndexRecovery } = await import("./index-recovery");
    const { hotWindows } = await import("@/lib/events/hot-windows");
    const { cacheRedis } = await import("@/lib/redis/client");
    startInvalidationListener();
    startIndexRecovery();
    await waitFor(() => indexReadable() && hotWindows().isLive(), 15_000, "the index becoming readable");
    const recoveries = indexRecoveryStats().runs;

    for (let freeze = 0; freeze < 3; freeze += 1) {
      server.pause();
      // Another instance's write-through, as it would fail: sent to the frozen server, unanswered.
      await expect(cacheRedis().set("watch-test", String(freeze))).rejects.toThrow(/timed out/i);
      expect(indexReadable(), `freeze ${freeze}: index readable when a command timed out`).toBe(false);
      expect(hotWindows().get("any"), `freeze ${freeze}: hot windows served`).toBeUndefined();

      server.resume();
      await waitFor(() => indexReadable(), 15_000, `the index becoming readable after freeze ${freeze}`);
      expect(indexRecoveryStats().runs, `freeze ${freeze}: outbox replays`).toBe(recoveries + freeze + 1);
      expect(hotWindows().isLive()).toBe(true);
    }
  });
});
