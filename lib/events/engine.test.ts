import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { cacheRedis, closeRedis } from "@/lib/redis/client";
import { keys, units } from "@/lib/redis/keys";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { createEvent } from "./create-event";
import { deleteEvent } from "./delete-event";
import { feedQueryFromSearchParams } from "./feed-query";
import { getEvent } from "./get-event";
import { compareIndex, dropIndex } from "./index/compare-index";
import { readFromIndex } from "./index/read-from-index";
import { refOf } from "./index/members";
import { listOccurrencesJson } from "./list-occurrences";
import { readFromPostgres } from "./read-from-postgres";
import type { FeedOccurrence } from "./types";
import { updateEvent } from "./update-event";

let org: TestOrganization;
const TZ = "America/New_York";
const RANGE = "start=2030-03-01T00:00:00&end=2030-04-15T00:00:00&timeZone=America/New_York";

beforeAll(async () => {
  org = await createTestOrganization({ patients: 3 });
});
afterAll(async () => {
  await closeDb();
  await closeRedis();
});

const staff = () => org.staff.actor;
const patient = (i: number) => org.patients[i]!.id;

async function feed(query = RANGE): Promise<FeedOccurrence[]> {
  const body = await listOccurrencesJson(staff(), feedQueryFromSearchParams(new URLSearchParams(query)));
  return JSON.parse(body.toString()) as FeedOccurrence[];
}

async function expectIndexEqualsPostgres() {
  // Hydrate the organisation's and every patient's window, then compare set by set.
  const q = feedQueryFromSearchParams(new URLSearchParams(RANGE));
  await readFromIndex({ orgId: org.id }, q.start, q.end);
  await readFromIndex({ orgId: org.id, patientIds: org.patients.map((p) => p.id) }, q.start, q.end);
  expect(await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs })).toEqual([]);
  // The cached path and the Postgres path answer byte-identical JSON.
  for (const patientIds of [undefined, [patient(0)], org.patients.map((p) => p.id)]) {
    const cached = await readFromIndex({ orgId: org.id, patientIds }, q.start, q.end);
    expect(cached?.toString()).toBe((await readFromPostgres({ orgId: org.id, patientIds }, q.start, q.end, TZ)).toString());
  }
}

const weekly = (title: string, patients: string[], extra: Record<string, unknown> = {}) =>
  createEvent(staff(), {
    title,
    start: "2030-03-04T09:00:00-05:00",
    end: "2030-03-04T10:00:00-05:00",
    timeZone: TZ,
    rrule: "FREQ=WEEKLY;COUNT=6",
    patientIds: patients,
    ...extra,
  });

describe("events engine", () => {
  it("creates a weekly series at 09:00 local on both sides of DST, indexed in Redis", async () => {
    const series = await weekly("Physio", [patient(0)]);
    const items = (await feed()).filter((i) => i.eventId === series.id);
    expect(items.map((i) => i.start)).toEqual([
      "2030-03-04T09:00:00-05:00",
      "2030-03-11T09:00:00-04:00",
      "2030-03-18T09:00:00-04:00",
      "2030-03-25T09:00:00-04:00",
      "2030-04-01T09:00:00-04:00",
      "2030-04-08T09:00:00-04:00",
    ]);
    await expectIndexEqualsPostgres();
  });

  it("reports conflicts with the same patient's appointments, and books anyway when told", async () => {
    const input = { title: "Clash", start: "2030-03-11T09:30:00-04:00", end: "2030-03-11T10:30:00-04:00", timeZone: TZ, patientIds: [patient(0)] };
    const error = await createEvent(staff(), input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("scheduling_conflict");
    expect((error as AppError).details?.conflicts).toEqual([
      expect.objectContaining({ title: "Physio", start: "2030-03-11T09:00:00-04:00", patientIds: [patient(0)] }),
    ]);
    expect((await feed()).some((i) => i.title === "Clash")).toBe(false);
    const booked = await createEvent(staff(), { ...input, allowConflicts: true });
    expect(booked.title).toBe("Clash");
    await deleteEvent(staff(), booked.id, {});
    await expectIndexEqualsPostgres();
  });

  it("edits one occurrence (this), the rest (following) and the whole series (all), as Google does", async () => {
    const series = await weekly("Rehab", [patient(1)]);
    // this: move the 2nd occurrence to the afternoon.
    await updateEvent(staff(), series.id, {
      scope: "this",
      occurrenceStart: "2030-03-11T09:00:00-04:00",
      start: "2030-03-11T15:00:00-04:00",
      end: "2030-03-11T16:00:00-04:00",
      title: "Rehab (moved)",
    });
    // all: 10:00 instead of 09:00; the moved occurrence keeps its own time.
    const all = await updateEvent(staff(), series.id, {
      scope: "all",
      occurrenceStart: "2030-03-18T09:00:00-04:00",
      start: "2030-03-18T10:00:00-04:00",
      end: "2030-03-18T11:00:00-04:00",
    });
    expect(all.exceptions).toEqual([
      expect.objectContaining({ originalStart: "2030-03-11T10:00:00-04:00", start: "2030-03-11T15:00:00-04:00", title: "Rehab (moved)" }),
    ]);
    // following: from the 4th occurrence on, a new title and patients: the series splits.
    const tail = await updateEvent(staff(), series.id, {
      scope: "following",
      occurrenceStart: "2030-03-25T10:00:00-04:00",
      title: "Rehab group",
      patientIds: [patient(1), patient(2)],
    });
    expect(tail.id).not.toBe(series.id);
    expect(tail.rrule).toBe("FREQ=WEEKLY;COUNT=3");
    const head = await getEvent(staff(), series.id);
    expect(head.rrule).toMatch(/^FREQ=WEEKLY;UNTIL=20300325T135959Z$/);

    const titles = (await feed()).filter((i) => i.eventId === series.id || i.eventId === tail.id).map((i) => [i.start, i.title]);
    expect(titles).toEqual([
      ["2030-03-04T10:00:00-05:00", "Rehab"],
      ["2030-03-11T15:00:00-04:00", "Rehab (moved)"],
      ["2030-03-18T10:00:00-04:00", "Rehab"],
      ["2030-03-25T10:00:00-04:00", "Rehab group"],
      ["2030-04-01T10:00:00-04:00", "Rehab group"],
      ["2030-04-08T10:00:00-04:00", "Rehab group"],
    ]);
    await expectIndexEqualsPostgres();

    // delete this, then following, then all.
    await deleteEvent(staff(), tail.id, { scope: "this", occurrenceStart: "2030-04-01T10:00:00-04:00" });
    expect((await feed()).filter((i) => i.eventId === tail.id).map((i) => i.start)).toEqual([
      "2030-03-25T10:00:00-04:00",
      "2030-04-08T10:00:00-04:00",
    ]);
    await deleteEvent(staff(), series.id, { scope: "following", occurrenceStart: "2030-03-18T10:00:00-04:00" });
    expect((await feed()).filter((i) => i.eventId === series.id)).toHaveLength(2);
    await deleteEvent(staff(), tail.id, { scope: "all" });
    expect((await feed()).some((i) => i.eventId === tail.id)).toBe(false);
    await expectIndexEqualsPostgres();
  });

  it("rejects bad input with a clear error and writes nothing", async () => {
    const before = await feed();
    const good = { title: "X", start: "2030-03-05T09:00:00-05:00", end: "2030-03-05T10:00:00-05:00", timeZone: TZ, patientIds: [patient(2)] };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...good, timeZone: "Mars/Base" }, "bad_request", /timeZone: is not a known IANA time zone/],
      [{ ...good, rrule: "FREQ=FORTNIGHTLY" }, "bad_request", /rrule: /],
      [{ ...good, end: "2030-03-05T08:00:00-05:00" }, "bad_request", /end must be after start/],
      [{ ...good, title: "x".repeat(201) }, "bad_request", /title: may be at most 200 characters/],
      [{ ...good, start: "2030-03-05T09:00:00" }, "bad_request", /must be an ISO-8601 date-time with an offset/],
      [{ ...good, patientIds: ["00000000-0000-4000-8000-000000000000"] }, "not_found", /Patient not found/],
    ];
    for (const [input, code, message] of cases) {
      const error = (await createEvent(staff(), input).catch((e: unknown) => e)) as AppError;
      expect(error.code, JSON.stringify(input)).toBe(code);
      expect(error.message).toMatch(message);
    }
    await expect(createEvent(org.patients[0]!.user.actor, good)).rejects.toMatchObject({ code: "forbidden" });
    expect(await feed()).toEqual(before);
  });

  it("requires a scope for recurring events and refuses stale versions", async () => {
    const series = await weekly("Versioned", [patient(2)], { start: "2030-03-06T12:00:00-05:00", end: "2030-03-06T12:30:00-05:00" });
    await expect(updateEvent(staff(), series.id, { title: "No scope" })).rejects.toMatchObject({ code: "bad_request", message: /scope is required/ });
    await expect(deleteEvent(staff(), series.id, {})).rejects.toMatchObject({ code: "bad_request" });
    await updateEvent(staff(), series.id, { scope: "all", title: "v2", version: series.version });
    await expect(updateEvent(staff(), series.id, { scope: "all", title: "v3", version: series.version })).rejects.toMatchObject({
      code: "version_conflict",
    });
    await expect(
      updateEvent(staff(), series.id, { scope: "this", occurrenceStart: "2030-03-07T12:00:00-05:00", title: "nope" }),
    ).rejects.toMatchObject({ code: "not_found" });
    await deleteEvent(staff(), series.id, { scope: "all" });
  });

  it("gives a patient only their own occurrences and id from the index, whatever their set holds", async () => {
    const group = await createEvent(staff(), {
      title: "Group",
      start: "2030-03-07T14:00:00-05:00",
      end: "2030-03-07T15:00:00-05:00",
      timeZone: TZ,
      patientIds: [patient(0), patient(1)],
      allowConflicts: true,
    });
    const other = await createEvent(staff(), {
      title: "Someone else's",
      start: "2030-03-07T16:00:00-05:00",
      end: "2030-03-07T17:00:00-05:00",
      timeZone: TZ,
      patientIds: [patient(2)],
    });
    const asPatient = org.patients[0]!.user.actor;
    const read = async () =>
      JSON.parse((await listOccurrencesJson(asPatient, feedQueryFromSearchParams(new URLSearchParams(RANGE)))).toString()) as FeedOccurrence[];
    const items = await read();
    expect(items.find((i) => i.eventId === group.id)?.patientIds).toEqual([patient(0)]);
    expect(items.every((i) => i.patientIds.length === 1 && i.patientIds[0] === patient(0))).toBe(true);

    // Plant another patient's occurrence in this patient's set: the feed still leaves it out.
    const redis = cacheRedis();
    const [member] = await redis.zrangebyscore(keys.patientEvents(org.id, patient(2)), Date.parse("2030-03-07T21:00:00Z"), Date.parse("2030-03-07T21:00:00Z"));
    expect(member!.startsWith(refOf(other.id)) || member!.includes("Someone else's")).toBe(true);
    await redis.zadd(keys.patientEvents(org.id, patient(0)), Date.parse("2030-03-07T21:00:00Z"), member!);
    expect((await read()).some((i) => i.eventId === other.id)).toBe(false);
    await redis.zrem(keys.patientEvents(org.id, patient(0)), member!);
    await deleteEvent(staff(), group.id, {});
    await deleteEvent(staff(), other.id, {});
  });

  it("keeps answering for an open-ended series past its materialised horizon", async () => {
    const series = await createEvent(staff(), {
      title: "Forever",
      start: "2030-03-08T08:00:00-05:00",
      end: "2030-03-08T08:15:00-05:00",
      timeZone: TZ,
      rrule: "FREQ=WEEKLY;BYDAY=FR",
      patientIds: [patient(2)],
      allowConflicts: true,
    });
    const september = await feed("start=2031-09-01T00:00:00&end=2031-10-01T00:00:00&timeZone=America/New_York");
    expect(september.filter((i) => i.eventId === series.id).map((i) => i.start)).toEqual([
      "2031-09-05T08:00:00-04:00",
      "2031-09-12T08:00:00-04:00",
      "2031-09-19T08:00:00-04:00",
      "2031-09-26T08:00:00-04:00",
    ]);
    await deleteEvent(staff(), series.id, { scope: "all" });
  });

  it("answers the same from a cold index, and the same with the cache off", async () => {
    const warm = await feed();
    await dropIndex(org.id);
    expect(await feed()).toEqual(warm);
    await expectIndexEqualsPostgres();
  });
});
