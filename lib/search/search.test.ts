import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { daySheets } from "@/lib/day-sheet/day-sheet";
import { createEvent } from "@/lib/events/create-event";
import { setOccurrenceStatus } from "@/lib/events/status";
import type { FeedOccurrence } from "@/lib/events/types";
import { closeRedis } from "@/lib/redis/client";
import { noShowReport } from "@/lib/reports/no-shows";
import { createTestAppointmentType, createTestResource } from "@/lib/testing/clinic-fixtures";
import { createTestCohort, createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { searchAppointments } from "./search-appointments";

let org: TestOrganization;
let other: TestOrganization;
let nakamura: string;
let blueRoom: string;
let assessment: string;
let physio: string;
let group: string;
const TZ = "America/New_York";

beforeAll(async () => {
  org = await createTestOrganization({ patients: 3 });
  other = await createTestOrganization({ patients: 1 });
  nakamura = await createTestResource(org.id, "clinician", `Dr Nakamura ${org.tag}`);
  const lee = await createTestResource(org.id, "clinician", `Dr Lee ${org.tag}`);
  blueRoom = await createTestResource(org.id, "room", `Blue room ${org.tag}`);
  assessment = await createTestAppointmentType(org.id, "Initial assessment", 60);
  const [a, b, c] = org.patients.map((p) => p.id);
  const staff = org.staff.actor;
  const at = (day: string, time: string) => `${day}T${time}:00-04:00`;
  physio = (await createEvent(staff, { title: "Hydrotherapy", start: at("2030-06-03", "09:00"), end: at("2030-06-03", "10:00"), timeZone: TZ, patientIds: [a!], clinicianId: nakamura, roomId: blueRoom, typeId: assessment, description: "Bring a towel" })).id;
  group = (await createEvent(staff, { title: "Breathing group", start: at("2030-06-03", "11:00"), end: at("2030-06-03", "12:00"), timeZone: TZ, rrule: "FREQ=WEEKLY;COUNT=3", patientIds: [b!, c!], clinicianId: nakamura })).id;
  await createEvent(staff, { title: "Review", start: at("2030-06-04", "09:00"), end: at("2030-06-04", "09:30"), timeZone: TZ, patientIds: [c!], clinicianId: lee, roomId: blueRoom });
  await createEvent(other.staff.actor, { title: "Hydrotherapy", start: at("2030-06-03", "09:00"), end: at("2030-06-03", "10:00"), timeZone: TZ, patientIds: [other.patients[0]!.id] });
});
afterAll(async () => {
  await closeDb();
  await closeRedis();
});

const JUNE = { start: "2030-06-01", end: "2030-07-01", timeZone: TZ };
async function search(q: string, field = "any", range = JUNE): Promise<[string, string][]> {
  const { body } = await searchAppointments(org.staff.actor, { q, field, ...range });
  return (JSON.parse(body) as FeedOccurrence[]).map((o) => [o.title, o.start.slice(0, 10)]);
}

describe("appointment search", () => {
  it("finds by title, patient name, clinician and room, within the range and the organisation", async () => {
    expect(await search("hydro", "title")).toEqual([["Hydrotherapy", "2030-06-03"]]);
    expect(await search(`Patient 2 ${org.tag}`, "patient")).toEqual([
      ["Breathing group", "2030-06-03"],
      ["Breathing group", "2030-06-10"],
      ["Breathing group", "2030-06-17"],
    ]);
    expect(await search("nakamura", "clinician")).toEqual([
      ["Hydrotherapy", "2030-06-03"],
      ["Breathing group", "2030-06-03"],
      ["Breathing group", "2030-06-10"],
      ["Breathing group", "2030-06-17"],
    ]);
    expect(await search("blue ROOM", "room")).toEqual([
      ["Hydrotherapy", "2030-06-03"],
      ["Review", "2030-06-04"],
    ]);
    // Any field; a range that leaves out the later weeks; a term that only another field matches.
    expect(await search("breathing", "any", { start: "2030-06-01", end: "2030-06-08", timeZone: TZ })).toEqual([["Breathing group", "2030-06-03"]]);
    expect(await search("nakamura", "title")).toEqual([]);
    expect(await search("100%_", "any")).toEqual([]);
  });

  it("refuses patients and bad input", async () => {
    await expect(searchAppointments(org.patients[0]!.user.actor, { q: "hydro", ...JUNE })).rejects.toMatchObject({ code: "forbidden" });
    await expect(searchAppointments(org.staff.actor, { q: "h", ...JUNE })).rejects.toMatchObject({ code: "bad_request" });
    await expect(searchAppointments(org.staff.actor, { q: "hydro", start: "2030-01-01", end: "2032-01-01" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(searchAppointments(org.staff.actor, { q: "hydro", field: "notes", ...JUNE })).rejects.toMatchObject({ code: "bad_request" });
  });
});

describe("day sheets", () => {
  it("gives one sheet per clinician with patient, type, status and notes", async () => {
    await setOccurrenceStatus(org.staff.actor, group, { occurrenceStart: "2030-06-03T11:00:00-04:00", status: "cancelled", reason: "Room flooded" });
    const { sheets } = await daySheets(org.staff.actor, { date: "2030-06-03", kind: "clinician" });
    expect(sheets.map((s) => s.resource.name)).toEqual([`Dr Nakamura ${org.tag}`]);
    expect(sheets[0]!.appointments).toEqual([
      expect.objectContaining({ start: "09:00", end: "10:00", title: "Hydrotherapy", patients: [`Patient 1 ${org.tag}`], type: "Initial assessment", status: "booked", notes: "Bring a towel", other: `Blue room ${org.tag}` }),
      expect.objectContaining({ start: "11:00", title: "Breathing group", patients: [`Patient 2 ${org.tag}`, `Patient 3 ${org.tag}`], status: "cancelled", statusReason: "Room flooded" }),
    ]);
    const rooms = await daySheets(org.staff.actor, { date: "2030-06-04", kind: "room", resourceId: blueRoom });
    expect(rooms.sheets.map((s) => [s.resource.name, s.appointments.map((a) => a.title)])).toEqual([[`Blue room ${org.tag}`, ["Review"]]]);
    await expect(daySheets(org.patients[0]!.user.actor, { date: "2030-06-03" })).rejects.toMatchObject({ code: "forbidden" });
    expect((await daySheets(other.staff.actor, { date: "2030-06-03", kind: "clinician", resourceId: nakamura })).sheets).toEqual([]);
    void physio;
  });
});

describe("no-show rates", () => {
  it("counts outcomes per patient and per cohort over a period", async () => {
    const [, b, c] = org.patients.map((p) => p.id);
    await setOccurrenceStatus(org.staff.actor, group, { occurrenceStart: "2030-06-10T11:00:00-04:00", status: "attended" });
    await setOccurrenceStatus(org.staff.actor, group, { occurrenceStart: "2030-06-17T11:00:00-04:00", status: "no_show" });
    const cohort = await createTestCohort(org.id, `Lungs ${org.tag}`, [b!, c!]);
    const report = await noShowReport(org.staff.actor, { start: "2030-06-01", end: "2030-06-30", cohortId: cohort });
    const byName = Object.fromEntries(report.patients.map((p) => [p.name, [p.appointments, p.attended, p.noShows, p.cancelled, p.noShowRate]]));
    expect(byName).toEqual({
      [`Patient 2 ${org.tag}`]: [3, 1, 1, 1, 0.5],
      [`Patient 3 ${org.tag}`]: [4, 1, 1, 1, 0.5],
    });
    expect(report.total).toEqual({ appointments: 7, attended: 2, noShows: 2, cancelled: 2, noShowRate: 0.5 });
    const early = await noShowReport(org.staff.actor, { start: "2030-06-01", end: "2030-06-12", patientId: b });
    expect(early.total).toMatchObject({ appointments: 2, attended: 1, noShows: 0, noShowRate: 0 });
    await expect(noShowReport(other.staff.actor, { start: "2030-06-01", end: "2030-06-30", cohortId: cohort })).rejects.toMatchObject({ code: "not_found" });
  });
});
