import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnRedis, stopOwnRedis, type OwnRedis } from "@/lib/testing/own-redis";
import { waitFor } from "@/lib/testing/wait-for";
import type { TestOrganization } from "@/lib/testing/test-organization";
import type { LiveUpdate } from "../types";

/**
 * A write committed while its instance's cache breaker is open (Redis back, the breaker not yet probed)
 * is not written through. It is announced past the breaker, and an instance that hears the announcement
 * replays the outbox before it serves the index or its hot windows again. Against a redis-server of this
 * test's own (it is frozen once); Postgres is the suite's.
 */
let server: OwnRedis;
let listener: Redis;
let org: TestOrganization;
const TZ = "America/New_York";
const QUERY = "start=2034-03-05T00:00:00&end=2034-03-12T00:00:00&timeZone=America/New_York";

beforeAll(async () => {
  server = await startOwnRedis("announcement", {
    REDIS_COMMAND_TIMEOUT_MS: "200",
    REDIS_BREAKER_FAILURES: "1",
    // Long enough that the breaker stays open for the whole test once it has opened.
    REDIS_BREAKER_PROBE_MS: "60000",
  });
  const { createTestOrganization } = await import("@/lib/testing/test-organization");
  org = await createTestOrganization({ patients: 1 });
  listener = new Redis(server.url);
});

afterAll(async () => {
  await listener?.quit();
  await stopOwnRedis(server);
});

async function read(): Promise<string> {
  const { listOccurrencesJson } = await import("../list-occurrences");
  const { feedQueryFromSearchParams } = await import("../feed-query");
  return (await listOccurrencesJson(org.staff.actor, feedQueryFromSearchParams(new URLSearchParams(QUERY)))).toString();
}

const appointment = (title: string, day: string) => ({
  title,
  start: `2034-03-${day}T09:00:00-05:00`,
  end: `2034-03-${day}T09:30:00-05:00`,
  timeZone: TZ,
  patientIds: [org.patients[0]!.id],
});

describe("writes that could not be written through", () => {
  it("are replayed by an instance that hears of them before it reads its cache again", async () => {
    const { startInvalidationListener } = await import("./live-subscriber");
    const { indexDifferences } = await import("./compare-index");
    const { indexReadable, startIndexRecovery } = await import("@/lib/reliability/index-recovery");
    const { createEvent } = await import("../create-event");
    const { db } = await import("@/lib/db/client");
    const { keys } = await import("@/lib/redis/keys");
    startInvalidationListener();
    startIndexRecovery();
    await waitFor(() => indexReadable(), 15_000, "the index becoming readable");

    const event = await createEvent(org.staff.actor, appointment("Before", "06"));
    expect(await read()).toContain("Before");
    // Another instance commits a change without writing it through (its breaker is open): Postgres and
    // the outbox have it, the index and this instance's hot windows do not.
    await db().$sql`UPDATE events SET title = 'After', revision = revision + 1 WHERE id = ${event.id}`;
    await db().$sql`UPDATE occurrences SET title = 'After' WHERE event_id = ${event.id}`;
    await db().$sql`INSERT INTO index_outbox (org_id, event_id, version) SELECT org_id, id, revision FROM events WHERE id = ${event.id}`;
    expect(await read(), "served from the cache before the announcement").toContain("Before");

    const announcement: LiveUpdate = { eventId: event.id, version: 0, deleted: false, patientIds: [], unindexed: true };
    await listener.publish(keys.liveChannel(org.id), JSON.stringify(announcement));
    await waitFor(async () => (await read()).includes("After"), 15_000, "the change being served");
    await waitFor(() => indexReadable(), 15_000, "the index becoming readable again");
    expect(await read()).not.toContain("Before");
    expect(await indexDifferences(org.id)).toEqual([]);
  });

  it("are announced by a writer whose breaker is open while Redis answers", async () => {
    const { cacheRedis, redisBreakers } = await import("@/lib/redis/client");
    const { createEvent } = await import("../create-event");
    const { keys } = await import("@/lib/redis/keys");
    const heard: LiveUpdate[] = [];
    listener.on("message", (_channel: string, message: string) => heard.push(JSON.parse(message) as LiveUpdate));
    await listener.subscribe(keys.liveChannel(org.id));

    server.pause();
    await expect(cacheRedis().get("announce-test")).rejects.toThrow();
    server.resume();
    expect(redisBreakers().cache?.state, "the writer's breaker").toBe("open");

    const event = await createEvent(org.staff.actor, appointment("Unindexed", "07"));
    await waitFor(() => heard.some((u) => u.eventId === event.id), 15_000, "the announcement arriving");
    expect(heard.find((u) => u.eventId === event.id)).toMatchObject({ unindexed: true });
    expect(redisBreakers().cache?.state, "still open when it arrived").toBe("open");
  });
});
