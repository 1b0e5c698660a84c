import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { closeRedis, cacheRedis } from "@/lib/redis/client";
import { units } from "@/lib/redis/keys";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { createEvent } from "../create-event";
import { deleteEvent } from "../delete-event";
import { feedQueryFromSearchParams } from "../feed-query";
import { listOccurrencesJson } from "../list-occurrences";
import { updateEvent } from "../update-event";
import { compareIndex, dropIndex } from "./compare-index";
import { readFromIndex } from "./read-from-index";
import { reconcileOutbox } from "./reconcile";

const TZ = "Europe/London";
const RANGE = "start=2031-01-01T00:00:00&end=2031-03-01T00:00:00&timeZone=Europe/London";
let org: TestOrganization;

beforeAll(async () => {
  org = await createTestOrganization({ timeZone: TZ, patients: 4 });
});
afterAll(async () => {
  await closeDb();
  await closeRedis();
});

// A seeded PRNG: a failing interleaving can be replayed.
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const query = () => feedQueryFromSearchParams(new URLSearchParams(RANGE));
const pad = (n: number) => String(n).padStart(2, "0");

async function settle() {
  while ((await reconcileOutbox({ olderThanMs: 0 })) > 0);
  const q = query();
  await readFromIndex({ orgId: org.id }, q.start, q.end);
  await readFromIndex({ orgId: org.id, patientIds: org.patients.map((p) => p.id) }, q.start, q.end);
}

describe("index consistency", () => {
  it("ends equal to Postgres after hundreds of concurrent writes, reads, rehydrations and cache drops", async () => {
    const random = prng(42);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
    const eventIds: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const day = 5 + i;
      const event = await createEvent(org.staff.actor, {
        title: `Series ${i}`,
        start: `2031-01-${pad(day)}T09:00:00Z`,
        end: `2031-01-${pad(day)}T09:30:00Z`,
        timeZone: TZ,
        rrule: "FREQ=WEEKLY;COUNT=6",
        patientIds: [pick(org.patients).id],
        allowConflicts: true,
      });
      eventIds.push(event.id);
    }

    const operations: (() => Promise<unknown>)[] = [];
    for (let i = 0; i < 300; i += 1) {
      const roll = random();
      const id = pick(eventIds);
      const hour = 8 + Math.floor(random() * 8);
      if (roll < 0.35) {
        operations.push(() => updateEvent(org.staff.actor, id, { scope: "all", title: `T${i}`, patientIds: [pick(org.patients).id], allowConflicts: true }));
      } else if (roll < 0.5) {
        operations.push(() =>
          updateEvent(org.staff.actor, id, {
            scope: "all",
            start: `2031-01-05T${pad(hour)}:00:00Z`,
            end: `2031-01-05T${pad(hour)}:45:00Z`,
            allowConflicts: true,
          }),
        );
      } else if (roll < 0.55) {
        operations.push(() => deleteEvent(org.staff.actor, id, { scope: "all" }));
      } else if (roll < 0.6) {
        operations.push(() => dropIndex(org.id));
      } else {
        const patientIds = random() < 0.5 ? undefined : [pick(org.patients).id];
        operations.push(() => listOccurrencesJson(org.staff.actor, { ...query(), patientIds }));
      }
    }
    // Run in overlapping waves of 20: writes race each other, reads and rehydrations race writes.
    for (let i = 0; i < operations.length; i += 20) {
      const results = await Promise.allSettled(operations.slice(i, i + 20).map((op) => op()));
      for (const result of results) {
        if (result.status === "rejected" && !(result.reason instanceof AppError && result.reason.code === "not_found")) throw result.reason;
      }
    }
    await settle();
    expect(await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs })).toEqual([]);
  });

  it("loses nothing when Redis is away during a write: the outbox repairs the index once it is back", async () => {
    const before = await listOccurrencesJson(org.staff.actor, query());
    const redis = cacheRedis();
    redis.disconnect();
    const created = await createEvent(org.staff.actor, {
      title: "Written while Redis was away",
      start: "2031-02-02T11:00:00Z",
      end: "2031-02-02T12:00:00Z",
      timeZone: TZ,
      patientIds: [org.patients[0]!.id],
      allowConflicts: true,
    });
    const [pending] = await db().$sql<{ n: number }[]>`SELECT count(*)::int AS n FROM index_outbox WHERE event_id = ${created.id}`;
    expect(pending!.n).toBe(1);
    // Reads meanwhile come from Postgres and already show it.
    expect((await listOccurrencesJson(org.staff.actor, query())).toString()).toContain("Written while Redis was away");

    await redis.connect();
    await settle();
    const [left] = await db().$sql<{ n: number }[]>`SELECT count(*)::int AS n FROM index_outbox WHERE event_id = ${created.id}`;
    expect(left!.n).toBe(0);
    expect(await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs })).toEqual([]);
    const after = (await listOccurrencesJson(org.staff.actor, query())).toString();
    expect(after).toContain("Written while Redis was away");
    expect(after.length).toBeGreaterThan(before.length);
  });

  it("never lets a rehydration that read Postgres before a delete bring the event back", async () => {
    const q = query();
    const event = await createEvent(org.staff.actor, {
      title: "Short-lived",
      start: "2031-02-10T10:00:00Z",
      end: "2031-02-10T10:30:00Z",
      timeZone: TZ,
      patientIds: [org.patients[1]!.id],
      allowConflicts: true,
    });
    await dropIndex(org.id);
    // Start a cold read (it takes the watermark, then reads Postgres) and delete while it runs.
    const [read] = await Promise.all([listOccurrencesJson(org.staff.actor, q), deleteEvent(org.staff.actor, event.id, {})]);
    void read;
    await settle();
    expect((await listOccurrencesJson(org.staff.actor, q)).toString()).not.toContain("Short-lived");
    expect(await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs })).toEqual([]);
  });
});
