import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { createTestCohort, createTestEvent, createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { feedQueryFromSearchParams } from "./feed-query";
import { listOccurrencesJson } from "./list-occurrences";
import type { FeedOccurrence } from "./types";


let org: TestOrganization;
let other: TestOrganization;
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  org = await createTestOrganization({ patients: 3 });
  other = await createTestOrganization({ patients: 1 });
  const [a, b, c] = org.patients.map((p) => p.id);
  await createTestEvent(org.id, { title: "A alone", start: at("2026-03-02T14:00:00Z"), patientIds: [a!] });
  await createTestEvent(org.id, { title: "A and B", start: at("2026-03-03T15:00:00Z"), minutes: 60, patientIds: [a!, b!] });
  await createTestEvent(org.id, { title: "C alone", start: at("2026-03-04T16:00:00Z"), patientIds: [c!] });
  // Weekly 09:00 New York across the DST change of 8 March 2026.
  await createTestEvent(org.id, { title: "Weekly", start: at("2026-03-05T14:00:00Z"), patientIds: [b!], rrule: "FREQ=WEEKLY;COUNT=3" });
  await createTestEvent(org.id, {
    title: "Day off",
    start: at("2026-03-06T05:00:00Z"),
    end: at("2026-03-07T05:00:00Z"),
    allDay: true,
    patientIds: [c!],
  });
  await createTestEvent(other.id, { title: "Elsewhere", start: at("2026-03-02T14:00:00Z"), patientIds: [other.patients[0]!.id] });
});

afterAll(closeDb);

async function feed(actor: TestOrganization["staff"]["actor"], query: string): Promise<FeedOccurrence[]> {
  const body = await listOccurrencesJson(actor, feedQueryFromSearchParams(new URLSearchParams(query)));
  return JSON.parse(body.toString()) as FeedOccurrence[];
}

const titles = (items: FeedOccurrence[]) => items.map((i) => i.title);

describe("listOccurrencesJson", () => {
  it("gives staff their whole organisation in start order, and nothing of another", async () => {
    const items = await feed(org.staff.actor, "start=2026-03-01&end=2026-04-01&timeZone=America/New_York");
    expect(titles(items)).toEqual(["A alone", "A and B", "C alone", "Weekly", "Day off", "Weekly", "Weekly"]);
  });

  it("formats times in the asked zone with their offset, and keeps wall-clock time across DST", async () => {
    const items = (await feed(org.staff.actor, "start=2026-03-01&end=2026-04-01&timeZone=America/New_York")).filter(
      (i) => i.title === "Weekly",
    );
    expect(items.map((i) => i.start)).toEqual(["2026-03-05T09:00:00-05:00", "2026-03-12T09:00:00-04:00", "2026-03-19T09:00:00-04:00"]);
    expect(items[1]).toMatchObject({ recurring: true, rrule: "FREQ=WEEKLY;COUNT=3", originalStart: "2026-03-12T09:00:00-04:00", version: 1 });
    expect(new Set(items.map((i) => i.id)).size).toBe(3);
    const utc = await feed(org.staff.actor, "start=2026-03-12&end=2026-03-13");
    expect(utc.find((i) => i.title === "Weekly")?.start).toBe("2026-03-12T13:00:00+00:00");
  });

  it("gives all-day events as dates with an exclusive end", async () => {
    const [dayOff] = (await feed(org.staff.actor, "start=2026-03-06&end=2026-03-07&timeZone=America/New_York")).filter(
      (i) => i.title === "Day off",
    );
    expect(dayOff).toMatchObject({ allDay: true, start: "2026-03-06", end: "2026-03-07" });
  });

  it("returns occurrences overlapping the range, not only those starting in it", async () => {
    const items = await feed(org.staff.actor, "start=2026-03-03T15:30:00Z&end=2026-03-03T15:45:00Z");
    expect(titles(items)).toEqual(["A and B"]);
    expect(await feed(org.staff.actor, "start=2026-03-03T16:00:00Z&end=2026-03-03T17:00:00Z")).toEqual([]);
  });

  it("filters by patients and by cohort", async () => {
    const [a, , c] = org.patients.map((p) => p.id);
    expect(titles(await feed(org.staff.actor, `start=2026-03-01&end=2026-03-10&patients=${a}`))).toEqual(["A alone", "A and B"]);
    const cohort = await createTestCohort(org.id, `Cohort ${org.tag}`, [c!]);
    expect(titles(await feed(org.staff.actor, `start=2026-03-01&end=2026-03-10&cohort=${cohort}`))).toEqual(["C alone", "Day off"]);
  });

  it("answers not found for another organisation's patient or cohort", async () => {
    const foreign = other.patients[0]!.id;
    await expect(feed(org.staff.actor, `start=2026-03-01&end=2026-03-10&patients=${foreign}`)).rejects.toMatchObject({ code: "not_found" });
    const cohort = await createTestCohort(other.id, `Foreign ${other.tag}`, [foreign]);
    await expect(feed(org.staff.actor, `start=2026-03-01&end=2026-03-10&cohort=${cohort}`)).rejects.toBeInstanceOf(AppError);
  });

  it("shows a patient only their own occurrences and only their own id", async () => {
    const a = org.patients[0]!;
    const items = await feed(a.user.actor, "start=2026-03-01&end=2026-04-01");
    expect(titles(items)).toEqual(["A alone", "A and B"]);
    expect(items.every((i) => i.patientIds.length === 1 && i.patientIds[0] === a.id)).toBe(true);
    await expect(feed(a.user.actor, `start=2026-03-01&end=2026-04-01&patients=${org.patients[1]!.id}`)).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
