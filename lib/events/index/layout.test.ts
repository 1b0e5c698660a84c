import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { cacheRedis, closeRedis } from "@/lib/redis/client";
import { keys, units } from "@/lib/redis/keys";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { createEvent } from "../create-event";
import { feedQueryFromSearchParams } from "../feed-query";
import { readFromPostgres } from "../read-from-postgres";
import { updateEvent } from "../update-event";
import { compareIndex } from "./compare-index";
import { COMPACT_LENGTH, isFull, refOf } from "./members";
import { readFromIndex } from "./read-from-index";

/**
 * The index layout (issue 6): an event's shared JSON once, as its template; occurrences that differ only
 * by their times as compact members; the rest as full members. The feed joined from them must be the
 * bytes Postgres answers, whatever mix the sets hold.
 */
const TZ = "America/New_York";
const RANGE = "start=2032-02-23T00:00:00&end=2032-05-01T00:00:00&timeZone=America/New_York";
let org: TestOrganization;
const q = () => feedQueryFromSearchParams(new URLSearchParams(RANGE));
const patient = (i: number) => org.patients[i]!.id;

beforeAll(async () => {
  org = await createTestOrganization({ patients: 3 });
});
afterAll(async () => {
  await closeDb();
  await closeRedis();
});

async function expectFeedEqualsPostgres() {
  const { start, end } = q();
  for (const patientIds of [undefined, [patient(0)], [patient(0), patient(1), patient(2)]]) {
    const cached = await readFromIndex({ orgId: org.id, patientIds }, start, end);
    expect(cached?.toString()).toBe((await readFromPostgres({ orgId: org.id, patientIds }, start, end, TZ)).toString());
  }
  expect(await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs })).toEqual([]);
}

const membersOf = async (eventId: string) =>
  (await cacheRedis().zrange(keys.orgEvents(org.id), "0", "-1")).filter((m) => m.startsWith(refOf(eventId)) || m.includes(eventId));

describe("the compact index layout", () => {
  it("stores a series across DST as compact members with one template, and one overridden occurrence in full", async () => {
    const series = await createEvent(org.staff.actor, {
      title: "Physio \"weekly\" ✓",
      start: "2032-03-01T09:00:00-05:00",
      end: "2032-03-01T09:45:00-05:00",
      timeZone: TZ,
      rrule: "FREQ=WEEKLY;COUNT=8",
      patientIds: [patient(1), patient(0)],
      location: "Room 2",
    });
    await expectFeedEqualsPostgres();
    let members = await membersOf(series.id);
    // Materialised four weeks past its start (2032-03-29); DST begins on 2032-03-14.
    expect(members).toHaveLength(5);
    expect(members.every((m) => m.length === COMPACT_LENGTH)).toBe(true);
    expect(new Set(members.map((m) => m.slice(-6)))).toEqual(new Set(["-05:00", "-04:00"]));
    expect(await cacheRedis().hget(keys.orgTemplates(org.id), refOf(series.id))).toContain('"title":"Physio \\"weekly\\" ✓"');

    // One occurrence retitled and moved (scope this): it alone becomes a full member.
    await updateEvent(org.staff.actor, series.id, {
      scope: "this",
      occurrenceStart: "2032-03-22T09:00:00-04:00",
      title: "Physio (moved)",
      start: "2032-03-22T11:00:00-04:00",
      end: "2032-03-22T11:30:00-04:00",
    });
    await expectFeedEqualsPostgres();
    members = await membersOf(series.id);
    expect(members.filter(isFull)).toHaveLength(1);
    expect(members.filter(isFull)[0]).toContain("Physio (moved)");
    expect(members.filter((m) => !isFull(m))).toHaveLength(4);
  });

  it("keeps all-day events, overnight events and same-start ties exact", async () => {
    await createEvent(org.staff.actor, { title: "Away", start: "2032-03-03", end: "2032-03-05", allDay: true, timeZone: TZ, patientIds: [patient(2)] });
    await createEvent(org.staff.actor, { title: "Night", start: "2032-03-03T23:00:00-05:00", end: "2032-03-04T01:00:00-05:00", timeZone: TZ, patientIds: [patient(2)], allowConflicts: true });
    for (const [title, end] of [["Tie B", "10:30"], ["Tie A", "10:15"], ["Tie C", "10:30"]]) {
      await createEvent(org.staff.actor, { title, start: "2032-03-10T10:00:00-05:00", end: `2032-03-10T${end}:00-05:00`, timeZone: TZ, patientIds: [patient(2)], allowConflicts: true });
    }
    await expectFeedEqualsPostgres();
  });

  it("rebuilds evicted templates instead of serving occurrences without them", async () => {
    const { start, end } = q();
    const before = (await readFromIndex({ orgId: org.id }, start, end))!.toString();
    // The sets stay (their units remain hydrated); only the templates go, one of them or all.
    const templates = keys.orgTemplates(org.id);
    const compact = (await cacheRedis().zrange(keys.orgEvents(org.id), "0", "-1")).find((m) => !m.startsWith("~") && !isFull(m));
    const ref = compact?.slice(0, 22);
    await cacheRedis().hdel(templates, ref!);
    expect((await readFromIndex({ orgId: org.id }, start, end))!.toString()).toBe(before);
    expect(await cacheRedis().hexists(templates, ref!)).toBe(1);
    await cacheRedis().del(templates);
    expect((await readFromIndex({ orgId: org.id, patientIds: [patient(0), patient(1)] }, start, end))!.toString()).toBe(
      (await readFromPostgres({ orgId: org.id, patientIds: [patient(0), patient(1)] }, start, end, TZ)).toString(),
    );
    await expectFeedEqualsPostgres();
  });

  it("leaves out a member whose event the organisation does not have, and the checker lists it", async () => {
    const { start, end } = q();
    const set = keys.orgEvents(org.id);
    const ghost = "00000000-0000-4000-8000-000000000001";
    const foreign = `${refOf(ghost)}2032-03-02-05:00`;
    await cacheRedis().zadd(set, Date.parse("2032-03-02T14:00:00Z"), foreign);
    expect((await readFromIndex({ orgId: org.id }, start, end))?.toString()).toBe((await readFromPostgres({ orgId: org.id }, start, end, TZ)).toString());
    expect(await cacheRedis().hget(keys.orgTemplates(org.id), refOf(ghost))).toBe("");
    expect(await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs })).toEqual(
      expect.arrayContaining([
        { set, extra: [foreign], missing: [] },
        { set: keys.orgTemplates(org.id), extra: [`${ghost} template`], missing: [] },
      ]),
    );
    await cacheRedis().zrem(set, foreign);
    await cacheRedis().hdel(keys.orgTemplates(org.id), refOf(ghost));
    await expectFeedEqualsPostgres();
  });
});
