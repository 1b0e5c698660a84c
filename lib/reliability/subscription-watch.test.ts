import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startRedisServer } from "@/scripts/lib/redis-servers.mjs";
import { extraPortRange, faultDataDir, overrideEnv } from "@/scripts/testing/fault-env.mjs";

/**
 * The live channel's heartbeat against a real redis-server of this test's own, frozen with SIGSTOP: a
 * frozen server closes nothing and sends nothing, so only the heartbeat can tell. What must hold is an
 * ordering, not a duration: by the time any command to the frozen server can have timed out (the moment
 * another instance would acknowledge a write without indexing it), this instance reads nothing from the
 * index or its hot windows, and it reads from them again only after the outbox has been replayed.
 */
type Server = Awaited<ReturnType<typeof startRedisServer>>;
let server: Server;
const [port] = await freePorts(1, extraPortRange(), "TEST_EXTRA_PORTS");

beforeAll(async () => {
  server = await startRedisServer({ dir: faultDataDir(`watch-${process.pid}`), port: port!, name: "heartbeat test redis" });
  overrideEnv({
    REDIS_URL: server.url,
    REDIS_CLUSTER_NODES: undefined,
    REDIS_COMMAND_TIMEOUT_MS: "200",
    REDIS_BREAKER_FAILURES: "1000",
    LOG_LEVEL: "silent",
  });
});

afterAll(async () => {
  const { stopInvalidationListener } = await import("@/lib/events/index/live-subscriber");
  await stopInvalidationListener();
  const { closeRedis } = await import("@/lib/redis/client");
  await closeRedis();
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  server?.resume();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => boolean, what: string) {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 15_000) throw new Error(`${what} did not happen within 15 s`);
    await sleep(10);
  }
}

describe("live channel heartbeat", () => {
  it("takes reads off the index before a command to a frozen server can time out, and back after the replay", async () => {
    const { startInvalidationListener } = await import("@/lib/events/index/live-subscriber");
    const { indexReadable, indexRecoveryStats, startIndexRecovery } = await import("./index-recovery");
    const { hotWindows } = await import("@/lib/events/hot-windows");
    const { cacheRedis } = await import("@/lib/redis/client");
    startInvalidationListener();
    startIndexRecovery();
    await until(() => indexReadable() && hotWindows().isLive(), "the index becoming readable");
    const recoveries = indexRecoveryStats().runs;

    for (let freeze = 0; freeze < 3; freeze += 1) {
      server.pause();
      // Another instance's write-through, as it would fail: sent to the frozen server, unanswered.
      await expect(cacheRedis().set("watch-test", String(freeze))).rejects.toThrow(/timed out/i);
      expect(indexReadable(), `freeze ${freeze}: index readable when a command timed out`).toBe(false);
      expect(hotWindows().get("any"), `freeze ${freeze}: hot windows served`).toBeUndefined();

      server.resume();
      await until(() => indexReadable(), `the index becoming readable after freeze ${freeze}`);
      expect(indexRecoveryStats().runs, `freeze ${freeze}: outbox replays`).toBe(recoveries + freeze + 1);
      expect(hotWindows().isLive()).toBe(true);
    }
  });
});
