import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RedisClient } from "@/lib/redis/client";
import { watchSubscription, type WatchTiming } from "./subscription-watch";

/**
 * The heartbeat's judgement, with a connection whose answers the test hands out and a clock it moves:
 * a stall of this process's event loop (answers waiting unread) is told apart from a Redis that was
 * silent as long as a command timeout. subscription-watch.test.ts covers a real frozen redis-server.
 */
const timing: WatchTiming = { intervalMs: 25, timeoutMs: 50, leaseMs: 150, silenceMs: 200 };

class Connection {
  readonly unanswered: (() => void)[] = [];
  ping = () => new Promise<string>((resolve) => this.unanswered.push(() => resolve("PONG")));
  /** Redis answers every ping sent so far (they are read at the event loop's next turn). */
  answerAll() {
    for (const answer of this.unanswered.splice(0)) answer();
  }
}

let connection: Connection;
let downs: string[];
let ups: number;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  connection = new Connection();
  downs = [];
  ups = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

const start = () =>
  watchSubscription(connection as unknown as RedisClient, { onDown: (reason) => downs.push(reason), onUp: () => (ups += 1) }, timing);

/** What is due now runs (immediates, and the promises they settle). */
const turn = () => vi.advanceTimersByTimeAsync(0);
/** Time passes with the event loop running (ticks fire). */
const run = (ms: number) => vi.advanceTimersByTimeAsync(ms);
/** Time passes with the event loop blocked: nothing fires, answers wait unread. */
const stall = (ms: number) => vi.setSystemTime(Date.now() + ms);

describe("live channel heartbeat: stalls and silences", () => {
  it("keeps the index trusted across a stall of this event loop shorter than a command timeout, and renews the lease for a waiting read", async () => {
    const watch = start();
    await turn();
    connection.answerAll();
    await turn();
    expect(watch.fresh()).toBe(true);

    await run(timing.intervalMs); // a ping goes out, then the loop stalls; Redis answers it meanwhile
    connection.answerAll();
    stall(160);
    expect(watch.fresh(), "the lease ran out during the stall").toBe(false);
    const renewed = watch.renewal();
    await turn();
    connection.answerAll();
    await turn();
    await renewed;
    expect(watch.fresh(), "renewed by the answer to a ping sent after the read asked").toBe(true);
    expect(downs, "a stall shorter than a command timeout is not a silence").toEqual([]);
    watch.stop();
  });

  it("calls a gap between answers as long as a command timeout a silence, whether seen during it or after", async () => {
    const watch = start();
    await turn();
    connection.answerAll();
    await turn();

    // Redis is frozen for 250 ms (pings go unanswered), then answers them all at once.
    await run(250);
    expect(watch.fresh()).toBe(false);
    expect(downs.length, "called while still silent").toBe(1);
    connection.answerAll();
    await turn();
    expect(ups, "back once it answered, once for the whole burst").toBe(1);
    expect(downs.length).toBe(1);
    expect(watch.fresh()).toBe(true);

    // The same gap seen only afterwards: this event loop was blocked for all of it.
    await run(timing.intervalMs);
    connection.answerAll();
    stall(250);
    await turn();
    expect(downs.length, "a stall as long as a command timeout cannot be told from a silence").toBe(2);
    expect(ups).toBe(2);
    watch.stop();
  });

  it("lets a waiting read go on once a ping is overdue", async () => {
    const watch = start();
    await turn();
    connection.answerAll();
    await turn();
    stall(160);
    let done = false;
    const asked = Date.now();
    const renewed = watch.renewal().then(() => (done = true));
    for (let i = 0; i < 10 && !done; i += 1) await run(timing.intervalMs);
    await renewed;
    expect(done, "went on without an answer").toBe(true);
    expect(Date.now() - asked, "after waiting for the ping's timeout").toBeGreaterThanOrEqual(timing.timeoutMs);
    expect(watch.fresh()).toBe(false);
    watch.stop();
  });
});
