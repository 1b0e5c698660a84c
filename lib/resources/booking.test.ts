import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { createEvent } from "@/lib/events/create-event";
import { deleteEvent } from "@/lib/events/delete-event";
import { compareIndex } from "@/lib/events/index/compare-index";
import { setOccurrenceStatus } from "@/lib/events/status";
import { updateEvent } from "@/lib/events/update-event";
import { closeRedis } from "@/lib/redis/client";
import { units } from "@/lib/redis/keys";
import { createTestResource } from "@/lib/testing/clinic-fixtures";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";

let org: TestOrganization;
let other: TestOrganization;
let clinician: string;
let room: string;
const TZ = "America/New_York";

beforeAll(async () => {
  org = await createTestOrganization({ patients: 60 });
  other = await createTestOrganization({ patients: 1 });
  clinician = await createTestResource(org.id, "clinician", `Dr Rivera ${org.tag}`);
  room = await createTestResource(org.id, "room", `Room 1 ${org.tag}`);
});
afterAll(async () => {
  await closeDb();
  await closeRedis();
});

const staff = () => org.staff.actor;
const patient = (i: number) => org.patients[i]!.id;
const slot = (day: string, from: string, to: string) => ({ start: `${day}T${from}:00-04:00`, end: `${day}T${to}:00-04:00`, timeZone: TZ });
const codeOf = (error: unknown) => (error instanceof AppError ? error.code : String(error));

describe("no double booking of clinicians and rooms", () => {
  it("lets exactly one of 50 concurrent bookings of one clinician slot win; the rest get 409 scheduling_conflict", async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        createEvent(staff(), { title: `Race ${i}`, ...slot("2031-06-02", "09:00", "09:30"), patientIds: [patient(i)], clinicianId: clinician }),
      ),
    );
    const won = attempts.filter((a) => a.status === "fulfilled");
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((l) => codeOf(l.reason))).toEqual(Array(49).fill("scheduling_conflict"));
    // Each loser is told which appointment holds the slot.
    const winner = (won[0] as PromiseFulfilledResult<{ id: string; title: string }>).value;
    expect((lost[0]!.reason as AppError).details).toMatchObject({
      resource: "clinician",
      conflicts: [expect.objectContaining({ eventId: winner.id, resource: "clinician", start: "2031-06-02T09:00:00-04:00" })],
    });
    const [count] = await db().$sql<{ n: number }[]>`SELECT count(*)::int AS n FROM occurrences WHERE clinician_id = ${clinician}`;
    expect(count!.n).toBe(1);
    expect(await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs })).toEqual([]);
    // 50 creates through a pool of 10 connections, each loser waiting on the winner's exclusion lock: on a
    // loaded 2-core machine that can outlast the default 20 s.
  }, 60_000);

  it("refuses an overlapping room booking but allows back-to-back ones and other rooms' or clinicians' slots", async () => {
    await createEvent(staff(), { title: "Room A", ...slot("2031-06-03", "10:00", "11:00"), patientIds: [patient(0)], roomId: room });
    await expect(
      createEvent(staff(), { title: "Room overlap", ...slot("2031-06-03", "10:30", "11:30"), patientIds: [patient(1)], roomId: room }),
    ).rejects.toMatchObject({ code: "scheduling_conflict", details: { resource: "room" } });
    // Ranges are half-open: 11:00 to 12:00 follows 10:00 to 11:00 without overlapping.
    await createEvent(staff(), { title: "Room next", ...slot("2031-06-03", "11:00", "12:00"), patientIds: [patient(1)], roomId: room });
    // A clinician can be in a room at a time another clinician's patient is elsewhere: only equal ids clash.
    await createEvent(staff(), { title: "Same time, no room", ...slot("2031-06-03", "10:00", "11:00"), patientIds: [patient(2)], clinicianId: clinician });
  });

  it("does not let a patient-conflict override (allowConflicts) double-book a clinician", async () => {
    await expect(
      createEvent(staff(), { title: "Forced", ...slot("2031-06-03", "10:15", "10:45"), patientIds: [patient(3)], clinicianId: clinician, allowConflicts: true }),
    ).rejects.toMatchObject({ code: "scheduling_conflict" });
  });

  it("frees the slot of a cancelled occurrence, and refuses to restore it once someone else took the slot", async () => {
    const first = await createEvent(staff(), { title: "To cancel", ...slot("2031-06-04", "09:00", "10:00"), patientIds: [patient(4)], clinicianId: clinician });
    await setOccurrenceStatus(staff(), first.id, { status: "cancelled", reason: "Patient unwell" });
    const second = await createEvent(staff(), { title: "Took the slot", ...slot("2031-06-04", "09:00", "10:00"), patientIds: [patient(5)], clinicianId: clinician });
    expect(second.id).toBeTruthy();
    await expect(setOccurrenceStatus(staff(), first.id, { status: "booked" })).rejects.toMatchObject({
      code: "scheduling_conflict",
      details: { conflicts: [expect.objectContaining({ eventId: second.id })] },
    });
  });

  it("refuses moving an appointment (or one occurrence of a series) onto a booked slot", async () => {
    const fixed = await createEvent(staff(), { title: "Fixed", ...slot("2031-06-05", "14:00", "15:00"), patientIds: [patient(6)], clinicianId: clinician });
    const mover = await createEvent(staff(), { title: "Mover", ...slot("2031-06-05", "16:00", "17:00"), patientIds: [patient(7)], clinicianId: clinician });
    await expect(updateEvent(staff(), mover.id, slot("2031-06-05", "14:30", "15:30"))).rejects.toMatchObject({ code: "scheduling_conflict" });
    const series = await createEvent(staff(), {
      title: "Weekly physio",
      ...slot("2031-06-06", "14:00", "15:00"),
      rrule: "FREQ=WEEKLY;COUNT=4",
      patientIds: [patient(8)],
      clinicianId: clinician,
    });
    await expect(
      updateEvent(staff(), series.id, { scope: "this", occurrenceStart: "2031-06-13T14:00:00-04:00", start: "2031-06-05T14:00:00-04:00", end: "2031-06-05T15:00:00-04:00" }),
    ).rejects.toMatchObject({ code: "scheduling_conflict" });
    await deleteEvent(staff(), fixed.id, {});
    await updateEvent(staff(), mover.id, slot("2031-06-05", "14:30", "15:30"));
  });

  it("sees a series' occurrences beyond its materialised horizon when a far-future booking is made", async () => {
    const weekly = await createEvent(staff(), {
      title: "Open-ended clinic",
      start: "2030-01-07T08:00:00-05:00",
      end: "2030-01-07T08:30:00-05:00",
      timeZone: TZ,
      rrule: "FREQ=WEEKLY;BYDAY=MO",
      patientIds: [patient(9)],
      clinicianId: clinician,
    });
    // Years past the horizon: the series is extended first, so the clash is found rather than hidden.
    await expect(
      createEvent(staff(), { title: "Far future", start: "2034-01-02T08:15:00-05:00", end: "2034-01-02T08:45:00-05:00", timeZone: TZ, patientIds: [patient(10)], clinicianId: clinician }),
    ).rejects.toMatchObject({ code: "scheduling_conflict", details: { conflicts: [expect.objectContaining({ eventId: weekly.id, start: "2034-01-02T08:00:00-05:00" })] } });
    // And the other way round: a far-future booking first, then a new open-ended series that reaches it.
    const far = await createEvent(staff(), { title: "Far Tuesday", start: "2034-01-03T08:15:00-05:00", end: "2034-01-03T08:45:00-05:00", timeZone: TZ, patientIds: [patient(10)], roomId: room });
    await expect(
      createEvent(staff(), { title: "Tuesdays", start: "2030-01-08T08:00:00-05:00", end: "2030-01-08T08:30:00-05:00", timeZone: TZ, rrule: "FREQ=WEEKLY;BYDAY=TU", patientIds: [patient(11)], roomId: room }),
    ).rejects.toMatchObject({ code: "scheduling_conflict", details: { conflicts: [expect.objectContaining({ eventId: far.id })] } });
    await deleteEvent(staff(), weekly.id, { scope: "all" });
  });

  it("takes only the organisation's own active clinicians, rooms and types", async () => {
    const foreign = await createTestResource(other.id, "clinician", `Dr Elsewhere ${other.tag}`);
    const base = { title: "X", ...slot("2031-06-10", "09:00", "09:30"), patientIds: [patient(12)] };
    await expect(createEvent(staff(), { ...base, clinicianId: foreign })).rejects.toMatchObject({ code: "not_found", message: "Clinician not found" });
    await expect(createEvent(staff(), { ...base, clinicianId: room })).rejects.toMatchObject({ code: "not_found" });
    await expect(createEvent(staff(), { ...base, roomId: clinician })).rejects.toMatchObject({ code: "not_found", message: "Room not found" });
    await expect(createEvent(staff(), { ...base, typeId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found" });
  });
});
