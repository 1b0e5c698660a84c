import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnRedis, stopOwnRedis, type OwnRedis } from "@/lib/testing/own-redis";
import { waitFor } from "@/lib/testing/wait-for";

/**
 * The cache client's breaker against a real redis-server of this test's own: frozen (commands hang),
 * then stopped (connection refused), then back. Bounded waits only; nothing timed is asserted.
 */
let server: OwnRedis;

beforeAll(async () => {
  server = await startOwnRedis("breaker", { REDIS_COMMAND_TIMEOUT_MS: "200", REDIS_BREAKER_FAILURES: "3", REDIS_BREAKER_PROBE_MS: "50" });
});
afterAll(() => stopOwnRedis(server));

describe("Redis circuit breaker", () => {
  it("fails no command that Redis answered while this process stalled longer than the command timeout", async () => {
    const { cacheRedis, redisBreakers } = await import("./client");
    expect(await cacheRedis().ping()).toBe("PONG");
    const failures = redisBreakers().cache!.failures;
    const replies = Promise.allSettled([cacheRedis().set("stall", "1"), cacheRedis().get("stall"), cacheRedis().ping()]);
    // Three command timeouts (200 ms) of a busy event loop: Redis answers at once, nobody reads it yet.
    const until = Date.now() + 600;
    while (Date.now() < until);
    expect((await replies).map((r) => (r.status === "fulfilled" ? r.value : String(r.reason)))).toEqual(["OK", "1", "PONG"]);
    expect(redisBreakers().cache).toMatchObject({ failures, state: "closed" });
  });

  it("keeps the reminder broker's failures off the breaker that guards sessions", async () => {
    const { redisBreakers, reminderRedis, sessionRedis } = await import("./client");
    expect(await sessionRedis().ping()).toBe("PONG");
    // Commands that take longer than the command timeout on the broker's connection (here blocking reads):
    // they time out and open the broker's own breaker; sign-ins and session checks go on.
    const slow = await Promise.allSettled([1, 2, 3].map((i) => reminderRedis().blpop(`breaker-test-empty-${i}`, 1)));
    expect(slow.map((t) => t.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(redisBreakers().reminders?.state).toBe("open");
    expect(redisBreakers().sessions?.state).toBe("closed");
    expect(await sessionRedis().ping()).toBe("PONG");
    await waitFor(() => redisBreakers().reminders?.state === "closed", 15_000, "the broker's breaker closing once its server answers");
    expect(redisBreakers().sessions).toMatchObject({ opened: 0 });
  });

  it("opens on timeouts from a frozen server, refuses at once while open, and closes when it answers", async () => {
    const { cacheRedis, redisBreakers, RedisUnavailableError } = await import("./client");
    expect(await cacheRedis().ping()).toBe("PONG");

    server.pause();
    const timeouts = await Promise.allSettled([cacheRedis().get("a"), cacheRedis().get("b"), cacheRedis().get("c")]);
    expect(timeouts.map((t) => t.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(redisBreakers().cache?.state).toBe("open");
    // Refused without being sent: the error is the breaker's, not a timeout.
    await expect(cacheRedis().get("d")).rejects.toBeInstanceOf(RedisUnavailableError);
    const pipelined = (await cacheRedis().pipeline().get("e").get("f").exec()) ?? [];
    expect(pipelined.map(([error]) => error instanceof RedisUnavailableError)).toEqual([true, true]);

    server.resume();
    await waitFor(() => redisBreakers().cache?.state === "closed", 15_000, "closing after the server answered again");
    expect(await cacheRedis().set("after", "1")).toBe("OK");
    expect(redisBreakers().cache).toMatchObject({ opened: 1 });
  });

  it("opens at once when the connection is lost, queues nothing, and closes once the server is back", async () => {
    const { cacheRedis, redisBreakers } = await import("./client");
    await server.stop();
    await waitFor(() => redisBreakers().cache?.state === "open", 15_000, "opening on the lost connection");
    const refused = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => cacheRedis().get(`k${i}`)));
    expect(refused.every((r) => r.status === "rejected" && (r.reason as { code?: string }).code === "REDIS_UNAVAILABLE")).toBe(true);
    expect((cacheRedis() as unknown as { offlineQueue: { length: number } }).offlineQueue.length, "commands queued").toBe(0);

    await server.restart();
    await waitFor(() => redisBreakers().cache?.state === "closed", 15_000, "closing after the restart");
    expect(await cacheRedis().ping()).toBe("PONG");
  });
});
