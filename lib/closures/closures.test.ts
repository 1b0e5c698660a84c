import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { createEvent } from "@/lib/events/create-event";
import { feedQueryFromSearchParams } from "@/lib/events/feed-query";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import type { ClosureWarning, FeedOccurrence } from "@/lib/events/types";
import { updateEvent } from "@/lib/events/update-event";
import { closeRedis } from "@/lib/redis/client";
import { createTestResource, setTestWorkingHours } from "@/lib/testing/clinic-fixtures";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { createClosure, deleteClosure, getWorkingHours, listClosures, setWorkingHours } from "./closures";

let org: TestOrganization;
let clinician: string;
const TZ = "America/New_York";

beforeAll(async () => {
  org = await createTestOrganization({ patients: 3 });
  clinician = await createTestResource(org.id, "clinician", `Dr Okafor ${org.tag}`);
  // Thanksgiving 2030 (Thursday 28 November) and the day after: closed.
  await createClosure(org.admin.actor, { title: "Thanksgiving", start: "2030-11-28", end: "2030-11-29", allDay: true });
  await createClosure(org.admin.actor, { title: "Conference", start: "2030-12-03", end: "2030-12-03", allDay: true, resourceId: clinician });
  await setTestWorkingHours(org.id, clinician, [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "08:00", end: "17:00" })));
});
afterAll(async () => {
  await closeDb();
  await closeRedis();
});

const patient = (i: number) => org.patients[i]!.id;
const at = (day: string, time: string) => `${day}T${time}:00-05:00`;
const closuresOf = (error: unknown) => ((error as AppError).details?.closures ?? []) as ClosureWarning[];

describe("closures, absences and working hours", () => {
  it("warns before booking into an organisation closure, and lets only an administrator book anyway", async () => {
    const input = { title: "Check-up", start: at("2030-11-28", "10:00"), end: at("2030-11-28", "10:30"), timeZone: TZ, patientIds: [patient(0)] };
    const error = await createEvent(org.staff.actor, input).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "scheduling_conflict", details: { overridable: false } });
    expect(closuresOf(error)).toEqual([{ originalStart: at("2030-11-28", "10:00"), start: at("2030-11-28", "10:00"), end: at("2030-11-28", "10:30"), reason: "closure", detail: "Thanksgiving" }]);
    // Staff cannot override; nothing was saved.
    await expect(createEvent(org.staff.actor, { ...input, allowClosures: true })).rejects.toMatchObject({ code: "scheduling_conflict" });
    await expect(createEvent(org.admin.actor, input)).rejects.toMatchObject({ details: { overridable: true } });
    const booked = await createEvent(org.admin.actor, { ...input, allowClosures: true });
    expect(booked.title).toBe("Check-up");
  });

  it("lists every occurrence of a series that crosses a closure or an absence before saving it", async () => {
    const series = { title: "Weekly rehab", start: at("2030-11-21", "09:00"), end: at("2030-11-21", "10:00"), timeZone: TZ, rrule: "FREQ=DAILY;COUNT=14", patientIds: [patient(1)], clinicianId: clinician };
    const error = await createEvent(org.staff.actor, series).catch((e: unknown) => e);
    const warnings = closuresOf(error).map((w) => [w.start.slice(0, 10), w.reason, w.detail]);
    expect(warnings).toEqual([
      ["2030-11-23", "outside_hours", `Dr Okafor ${org.tag} does not work then`],
      ["2030-11-24", "outside_hours", `Dr Okafor ${org.tag} does not work then`],
      ["2030-11-28", "closure", "Thanksgiving"],
      ["2030-11-29", "closure", "Thanksgiving"],
      ["2030-11-30", "outside_hours", `Dr Okafor ${org.tag} does not work then`],
      ["2030-12-01", "outside_hours", `Dr Okafor ${org.tag} does not work then`],
      ["2030-12-03", "absence", "Conference"],
    ]);
    const feed = JSON.parse(
      (await listOccurrencesJson(org.staff.actor, feedQueryFromSearchParams(new URLSearchParams("start=2030-11-20&end=2030-12-10&timeZone=America/New_York")))).toString(),
    ) as FeedOccurrence[];
    expect(feed.some((o) => o.title === "Weekly rehab")).toBe(false);
    // On weekdays, within hours and outside closures, it books without a word.
    const fine = await createEvent(org.staff.actor, { ...series, start: at("2030-12-04", "09:00"), end: at("2030-12-04", "10:00"), rrule: "FREQ=WEEKLY;BYDAY=WE;COUNT=2" });
    expect(fine.id).toBeTruthy();
  });

  it("warns when an edit moves an appointment outside its clinician's hours", async () => {
    const booked = await createEvent(org.staff.actor, { title: "Moveable", start: at("2030-12-05", "09:00"), end: at("2030-12-05", "09:30"), timeZone: TZ, patientIds: [patient(2)], clinicianId: clinician });
    const error = await updateEvent(org.staff.actor, booked.id, { start: at("2030-12-05", "16:45"), end: at("2030-12-05", "17:15") }).catch((e: unknown) => e);
    expect(closuresOf(error).map((w) => w.reason)).toEqual(["outside_hours"]);
    await updateEvent(org.staff.actor, booked.id, { start: at("2030-12-05", "16:30"), end: at("2030-12-05", "17:00") });
  });

  it("lets administrators keep closures and hours; staff may only read them", async () => {
    const range = { start: new Date("2030-11-01T00:00:00Z"), end: new Date("2031-01-01T00:00:00Z"), timeZone: TZ };
    const all = await listClosures(org.staff.actor, range);
    expect(all.map((c) => [c.title, c.start, c.end, c.allDay])).toEqual([
      ["Thanksgiving", "2030-11-28", "2030-11-30", true],
      ["Conference", "2030-12-03", "2030-12-04", true],
    ]);
    expect((await listClosures(org.staff.actor, { ...range, resourceIds: [] })).map((c) => c.title)).toEqual(["Thanksgiving"]);
    await expect(createClosure(org.staff.actor, { title: "Nope", start: "2030-12-24", end: "2030-12-24" })).rejects.toMatchObject({ code: "forbidden" });
    const id = await createClosure(org.admin.actor, { title: "Staff training", start: "2030-12-10T13:00:00-05:00", end: "2030-12-10T17:00:00-05:00", allDay: false });
    expect((await listClosures(org.staff.actor, range)).find((c) => c.id === id)).toMatchObject({ start: "2030-12-10T13:00:00-05:00", allDay: false });
    await deleteClosure(org.admin.actor, { closureId: id });
    await expect(deleteClosure(org.admin.actor, { closureId: id })).rejects.toMatchObject({ code: "not_found" });

    await setWorkingHours(org.admin.actor, { resourceId: clinician, hours: [{ weekday: 1, start: "07:30", end: "12:00" }, { weekday: 1, start: "13:00", end: "24:00" }] });
    expect(await getWorkingHours(org.staff.actor, [clinician])).toEqual({
      [clinician]: [
        { weekday: 1, start: "07:30", end: "12:00" },
        { weekday: 1, start: "13:00", end: "24:00" },
      ],
    });
    await expect(setWorkingHours(org.admin.actor, { resourceId: clinician, hours: [{ weekday: 7, start: "09:00", end: "10:00" }] })).rejects.toMatchObject({ code: "bad_request" });
    await setWorkingHours(org.admin.actor, { resourceId: clinician, hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "08:00", end: "17:00" })) });
  });
});
