import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { cacheRedis, closeRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { createEvent } from "../create-event";
import { feedQueryFromSearchParams } from "../feed-query";
import { compareWholeIndex, dropIndex, indexDifferences } from "./compare-index";
import { refOf } from "./members";
import { readFromIndex } from "./read-from-index";

const of = (id: string) => (m: string) => !m.startsWith("~") && (m.includes(id) || m.startsWith(refOf(id)));

/** The checker finds every kind of damage the index can suffer, and nothing when the index is sound. */
let org: TestOrganization;
const RANGE = "start=2031-06-01T00:00:00&end=2031-07-01T00:00:00&timeZone=America/New_York";
let series: string;
let single: string;

beforeAll(async () => {
  org = await createTestOrganization({ patients: 2 });
  const patientIds = [org.patients[0]!.id];
  series = (
    await createEvent(org.staff.actor, {
      title: "Weekly",
      start: "2031-06-02T09:00:00-04:00",
      end: "2031-06-02T10:00:00-04:00",
      timeZone: "America/New_York",
      rrule: "FREQ=WEEKLY;COUNT=4",
      patientIds,
    })
  ).id;
  single = (
    await createEvent(org.staff.actor, {
      title: "Once",
      start: "2031-06-05T13:00:00-04:00",
      end: "2031-06-05T13:30:00-04:00",
      timeZone: "America/New_York",
      patientIds,
    })
  ).id;
  const q = feedQueryFromSearchParams(new URLSearchParams(RANGE));
  await readFromIndex({ orgId: org.id }, q.start, q.end);
  await readFromIndex({ orgId: org.id, patientIds }, q.start, q.end);
});

afterAll(async () => {
  await closeDb();
  await closeRedis();
});

describe("the index checker", () => {
  it("finds nothing in a sound index", async () => {
    expect(await indexDifferences(org.id)).toEqual([]);
  });

  it("lists stale and missing members, wrong templates and records, orphans and a short look-back", async () => {
    const redis = cacheRedis();
    const orgSet = keys.orgEvents(org.id);
    const [member] = (await redis.zrange(orgSet, "0", "-1")).filter(of(single));
    // A compact member of another day (an old time) and a full member of an old title.
    const stale = member!.replace("2031-06-05", "2031-06-04");
    await redis.zadd(orgSet, (await redis.zscore(orgSet, member!))!, stale);
    const staleFull = `${String(Date.parse("2031-06-05T17:30:00Z")).padStart(13, "0")}|{"id":"${single}_1","title":"Once (old)"}`;
    await redis.zadd(orgSet, Date.parse("2031-06-05T17:00:00Z"), staleFull);
    const patientSet = keys.patientEvents(org.id, org.patients[0]!.id);
    const [removed] = (await redis.zrange(patientSet, "0", "-1")).filter(of(series));
    await redis.zrem(patientSet, removed!);
    const templates = keys.orgTemplates(org.id);
    const seriesTemplate = (await redis.hget(templates, refOf(series)))!;
    await redis.hset(templates, refOf(series), seriesTemplate.replace('"title":"Weekly"', '"title":"Weekly (old)"'));
    await redis.hset(keys.eventRecord(org.id, series), "r", "999");
    await redis.hset(keys.eventRecord(org.id, single), "d", "1");
    const ghost = randomUUID();
    await redis.hset(keys.eventRecord(org.id, ghost), "r", "3", "m", "[[1,[]]]");
    await redis.set(keys.orgMaxDuration(org.id), "1");

    const found = await compareWholeIndex(org.id);
    expect(found.sets).toEqual(
      expect.arrayContaining([
        { set: orgSet, extra: expect.arrayContaining([stale, staleFull]), missing: [] },
        { set: patientSet, extra: [], missing: [removed] },
        { set: templates, extra: [`${series} template`], missing: [] },
      ]),
    );
    expect(found.records.map((r) => [r.eventId, r.problem]).sort()).toEqual(
      [
        [series, "revision_ahead"],
        [single, "tombstone_for_live_event"],
        [ghost, "orphan"],
      ].sort(),
    );
    expect(found.lookback).toEqual([{ key: keys.orgMaxDuration(org.id), held: 1, postgres: 3_600_000 }]);
    expect(await indexDifferences(org.id)).toHaveLength(7);

    // A dropped index is not a wrong one: it is rebuilt on demand.
    await dropIndex(org.id);
    expect(await indexDifferences(org.id)).toEqual([]);
  });
});
