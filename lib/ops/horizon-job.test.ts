import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { createEvent } from "@/lib/events/create-event";
import { compareIndex } from "@/lib/events/index/compare-index";
import { reconcileOutbox } from "@/lib/events/index/reconcile";
import { cacheRedis, closeRedis } from "@/lib/redis/client";
import { keys, units } from "@/lib/redis/keys";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { acquireHorizonLock, releaseHorizonLock, runHorizonJob } from "./horizon-job";

const WEEK = 7 * 86_400_000;
let org: TestOrganization;
let seriesId: string;

const materializedUntil = async (id: string) => {
  const [row] = await db().$sql<{ ms: string }[]>`SELECT (extract(epoch FROM materialized_until) * 1000)::bigint::text AS ms FROM events WHERE id = ${id}`;
  return Number(row!.ms);
};
const lastOccurrence = async (id: string) => {
  const [row] = await db().$sql<{ ms: string }[]>`SELECT (extract(epoch FROM max(start_at)) * 1000)::bigint::text AS ms FROM occurrences WHERE event_id = ${id}`;
  return Number(row!.ms);
};

beforeAll(async () => {
  org = await createTestOrganization({ timeZone: "Europe/London", patients: 2 });
  const start = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 10 * 3_600_000);
  const event = await createEvent(org.staff.actor, {
    title: `Weekly ${org.tag}`,
    start: start.toISOString(),
    end: new Date(start.getTime() + 3_600_000).toISOString(),
    timeZone: "Europe/London",
    rrule: "FREQ=WEEKLY",
    patientIds: [org.patients[0]!.id],
    allowConflicts: true,
  });
  seriesId = event.id;
  // Nobody else runs the job against this database meanwhile; a lock left by a crashed run would expire.
  await cacheRedis().del(keys.horizonLock());
});

afterAll(async () => {
  await closeDb();
  await closeRedis();
});

describe("horizon job", () => {
  it("moves open-ended series forward and writes them through to the index", async () => {
    const before = await materializedUntil(seriesId);
    const now = new Date(Date.now() + 10 * WEEK); // ten weeks later: the series fell short of the horizon
    const report = await runHorizonJob({ now, orgIds: [org.id] });
    expect(report).toMatchObject({ outcome: "ran", extended: 1 });
    const after = await materializedUntil(seriesId);
    expect(after).toBeGreaterThanOrEqual(before + 10 * WEEK - 1);
    expect(await lastOccurrence(seriesId)).toBeGreaterThan(before);
    // The write-through happened (no outbox left) and the index agrees with Postgres.
    while ((await reconcileOutbox({ olderThanMs: 0 })) > 0);
    expect(await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs })).toEqual([]);

    // Run again at the same time: nothing is short any more.
    expect(await runHorizonJob({ now, orgIds: [org.id] })).toMatchObject({ outcome: "ran", extended: 0 });
  });

  it("runs once at a time: a second runner finds the lock taken and skips", async () => {
    const now = new Date(Date.now() + 20 * WEEK);
    const [a, b] = await Promise.all([runHorizonJob({ now, orgIds: [org.id] }), runHorizonJob({ now, orgIds: [org.id] })]);
    expect([a.outcome, b.outcome].sort()).toEqual(["ran", "skipped"]);
    expect(a.extended + b.extended).toBe(1);
    expect(await cacheRedis().exists(keys.horizonLock())).toBe(0); // released
  });

  it("refuses a stale runner whose lock expired and whose successor has written (fencing token checked in Postgres)", async () => {
    // The first runner takes the lock, then stalls long enough for its lock to expire.
    const stale = await acquireHorizonLock();
    expect(stale).not.toBeNull();
    await cacheRedis().del(keys.horizonLock()); // what expiry does
    // A successor takes the lock and does its work (its token is larger).
    const now = new Date(Date.now() + 30 * WEEK);
    const successor = await runHorizonJob({ now, orgIds: [org.id] });
    expect(successor).toMatchObject({ outcome: "ran", extended: 1 });
    expect(successor.token!).toBeGreaterThan(stale!);
    const untilAfterSuccessor = await materializedUntil(seriesId);

    // The stale runner wakes up and tries to go on with work that is still there (a later horizon).
    const report = await runHorizonJob({ now: new Date(Date.now() + 40 * WEEK), orgIds: [org.id], token: stale! });
    expect(report).toMatchObject({ outcome: "fenced", extended: 0 });
    expect(await materializedUntil(seriesId)).toBe(untilAfterSuccessor); // its transaction was rolled back
    const [outbox] = await db().$sql<{ n: number }[]>`SELECT count(*)::int AS n FROM index_outbox WHERE event_id = ${seriesId}`;
    expect(outbox!.n).toBe(0);
    await releaseHorizonLock(stale!);
  });
});
