import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { closeRedis } from "@/lib/redis/client";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { waitFor } from "@/lib/testing/wait-for";
import { createEvent } from "./create-event";
import { feedQueryFromSearchParams } from "./feed-query";
import { hotWindows } from "./hot-windows";
import { startInvalidationListener, stopInvalidationListener } from "./index/live-subscriber";
import { syncEvent } from "./index/sync-event";
import { indexReadable } from "@/lib/reliability/index-recovery";
import { listOccurrencesJson } from "./list-occurrences";

const TZ = "America/New_York";
const QUERY = "start=2033-01-02T00:00:00&end=2033-01-09T00:00:00&timeZone=America/New_York";
let org: TestOrganization;

beforeAll(async () => {
  org = await createTestOrganization({ patients: 2 });
  startInvalidationListener();
  // Reads use the cache once the live channel's heartbeat has answered.
  await waitFor(async () => hotWindows().isLive() && indexReadable());
});
afterAll(async () => {
  await stopInvalidationListener();
  await closeDb();
  await closeRedis();
});

const read = async () => (await listOccurrencesJson(org.staff.actor, feedQueryFromSearchParams(new URLSearchParams(QUERY)))).toString();
describe("hot windows (in-process tier)", () => {
  it("serves a repeated read from memory and drops it when another instance's change is published", async () => {
    await createEvent(org.staff.actor, {
      title: "First",
      start: "2033-01-03T09:00:00-05:00",
      end: "2033-01-03T09:30:00-05:00",
      timeZone: TZ,
      patientIds: [org.patients[0]!.id],
    });
    const first = await read();
    expect(first).toContain("First");
    // A second read is the very same object from memory.
    expect(await listOccurrencesJson(org.staff.actor, feedQueryFromSearchParams(new URLSearchParams(QUERY)))).toBe(
      await listOccurrencesJson(org.staff.actor, feedQueryFromSearchParams(new URLSearchParams(QUERY))),
    );

    // Another instance writes: simulated by committing in Postgres and writing through without this
    // process's local invalidation; only the publication can reach this tier.
    const [event] = await db().$sql<{ id: string }[]>`
      SELECT id FROM events WHERE org_id = ${org.id} AND title = 'First'`;
    await db().$sql`UPDATE events SET title = 'Renamed', revision = revision + 1 WHERE id = ${event!.id}`;
    await db().$sql`UPDATE occurrences SET title = 'Renamed' WHERE event_id = ${event!.id}`;
    await db().$sql`INSERT INTO index_outbox (org_id, event_id, version) SELECT org_id, id, revision FROM events WHERE id = ${event!.id}`;
    await syncEvent(org.id, event!.id);
    await waitFor(async () => (await read()).includes("Renamed"));
    expect(await read()).not.toContain("First");
  });

  it("never stores a read that began before an invalidation", () => {
    const hot = hotWindows();
    const generation = hot.generation(org.id);
    hot.invalidate(org.id, [org.patients[0]!.id]);
    hot.set("late-read", org.id, null, "stale", generation);
    expect(hot.get("late-read")).toBeUndefined();
  });

  it("a writer's own next read is fresh at once, before any publication arrives", async () => {
    await read();
    await createEvent(org.staff.actor, {
      title: "Second",
      start: "2033-01-04T09:00:00-05:00",
      end: "2033-01-04T09:30:00-05:00",
      timeZone: TZ,
      patientIds: [org.patients[1]!.id],
    });
    expect(await read()).toContain("Second");
  });
});
