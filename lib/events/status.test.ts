import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setStatusAudited } from "@/lib/audit/audited-events";
import { closeDb, db } from "@/lib/db/client";
import { buildPatientCalendar } from "@/lib/ics/patient-feed";
import { closeRedis, sessionRedis } from "@/lib/redis/client";
import { keys, units } from "@/lib/redis/keys";
import { scheduleCandidates } from "@/lib/reminders/schedule";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { createEvent } from "./create-event";
import { feedQueryFromSearchParams } from "./feed-query";
import { compareIndex, dropIndex } from "./index/compare-index";
import { readFromIndex } from "./index/read-from-index";
import { listOccurrencesJson } from "./list-occurrences";
import { readFromPostgres } from "./read-from-postgres";
import { setOccurrenceStatus, statusHistory } from "./status";
import type { FeedOccurrence } from "./types";
import { updateEvent } from "./update-event";

let org: TestOrganization;
let other: TestOrganization;
const TZ = "America/New_York";
const RANGE = "start=2030-09-01T00:00:00&end=2030-11-01T00:00:00&timeZone=America/New_York";

beforeAll(async () => {
  org = await createTestOrganization({ patients: 3 });
  other = await createTestOrganization({ patients: 1 });
});
afterAll(async () => {
  await closeDb();
  await closeRedis();
});

const staff = () => org.staff.actor;
const patientActor = (i: number) => org.patients[i]!.user.actor;
const patient = (i: number) => org.patients[i]!.id;

async function feed(actor = staff(), query = RANGE): Promise<FeedOccurrence[]> {
  return JSON.parse((await listOccurrencesJson(actor, feedQueryFromSearchParams(new URLSearchParams(query)))).toString()) as FeedOccurrence[];
}

async function expectIndexEqualsPostgres() {
  const q = feedQueryFromSearchParams(new URLSearchParams(RANGE));
  await readFromIndex({ orgId: org.id }, q.start, q.end);
  await readFromIndex({ orgId: org.id, patientIds: org.patients.map((p) => p.id) }, q.start, q.end);
  expect(await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs })).toEqual([]);
  for (const scope of [{}, { patientIds: [patient(0)] }, { patientIds: [patient(0)], ownPatientId: patient(0) }]) {
    const cached = await readFromIndex({ orgId: org.id, ...scope }, q.start, q.end);
    expect(cached?.toString()).toBe(await readFromPostgres({ orgId: org.id, ...scope }, q.start, q.end, TZ));
  }
}

const weekly = (title: string, patientIds: string[], rrule = "FREQ=WEEKLY;COUNT=5") =>
  createEvent(staff(), { title, start: "2030-09-02T09:00:00-04:00", end: "2030-09-02T09:45:00-04:00", timeZone: TZ, rrule, patientIds, allowConflicts: true });

describe("occurrence statuses", () => {
  it("shows a status change to staff at once, from the index and from Postgres alike", async () => {
    const series = await weekly("Physio", [patient(0)]);
    expect((await feed()).filter((o) => o.eventId === series.id).map((o) => o.status)).toEqual(Array(5).fill("booked"));
    const change = await setOccurrenceStatus(staff(), series.id, { occurrenceStart: "2030-09-09T09:00:00-04:00", status: "confirmed" });
    expect(change).toMatchObject({ previous: "booked", status: "confirmed" });
    await setOccurrenceStatus(staff(), series.id, { occurrenceStart: "2030-09-16T09:00:00-04:00", status: "checked_in" });
    const statuses = (await feed()).filter((o) => o.eventId === series.id).map((o) => [o.start.slice(0, 10), o.status]);
    expect(statuses).toEqual([
      ["2030-09-02", "booked"],
      ["2030-09-09", "confirmed"],
      ["2030-09-16", "checked_in"],
      ["2030-09-23", "booked"],
      ["2030-09-30", "booked"],
    ]);
    await expectIndexEqualsPostgres();
  });

  it("keeps a cancelled occurrence for staff (with its reason) and hides it from the patient's feed and ICS", async () => {
    const series = await weekly("Group", [patient(1), patient(2)]);
    const single = await createEvent(staff(), { title: "One-off", start: "2030-09-04T11:00:00-04:00", end: "2030-09-04T11:30:00-04:00", timeZone: TZ, patientIds: [patient(1)] });
    await setOccurrenceStatus(staff(), series.id, { occurrenceStart: "2030-09-16T09:00:00-04:00", status: "cancelled", reason: "Therapist ill" });
    await setOccurrenceStatus(staff(), single.id, { status: "cancelled", reason: "Moved away" });

    const forStaff = (await feed()).filter((o) => o.eventId === series.id || o.eventId === single.id);
    expect(forStaff.filter((o) => o.status === "cancelled").map((o) => [o.title, o.statusReason])).toEqual([
      ["One-off", "Moved away"],
      ["Group", "Therapist ill"],
    ]);
    // The patient's feed: from the index, again from the hot tier, and from a cold index (Postgres).
    for (let i = 0; i < 2; i += 1) {
      const mine = await feed(patientActor(1));
      expect(mine.some((o) => o.status === "cancelled")).toBe(false);
      expect(mine.filter((o) => o.eventId === series.id).map((o) => o.start.slice(0, 10))).toEqual(["2030-09-02", "2030-09-09", "2030-09-23", "2030-09-30"]);
      expect(mine.some((o) => o.eventId === single.id)).toBe(false);
    }
    await dropIndex(org.id);
    expect((await feed(patientActor(2))).filter((o) => o.eventId === series.id)).toHaveLength(4);
    await expectIndexEqualsPostgres();

    const ics = (await buildPatientCalendar(patient(1), "Test")).toString();
    expect(ics).toContain("EXDATE;TZID=America/New_York:20300916T090000");
    expect(ics).not.toContain("One-off");
  });

  it("survives re-materialisation: a retitled series, a new time for all, a split, a horizon extension", async () => {
    const series = await weekly("Rehab", [patient(0)]);
    await setOccurrenceStatus(staff(), series.id, { occurrenceStart: "2030-09-09T09:00:00-04:00", status: "attended" });
    await setOccurrenceStatus(staff(), series.id, { occurrenceStart: "2030-09-23T09:00:00-04:00", status: "no_show" });
    const mine = async (ids: string[]) => (await feed()).filter((o) => ids.includes(o.eventId)).map((o) => [o.start.slice(0, 16), o.title, o.status]);

    await updateEvent(staff(), series.id, { scope: "all", title: "Rehab (new name)" });
    await updateEvent(staff(), series.id, { scope: "all", occurrenceStart: "2030-09-02T09:00:00-04:00", start: "2030-09-03T10:00:00-04:00", end: "2030-09-03T10:45:00-04:00" });
    expect(await mine([series.id])).toEqual([
      ["2030-09-03T10:00", "Rehab (new name)", "booked"],
      ["2030-09-10T10:00", "Rehab (new name)", "attended"],
      ["2030-09-17T10:00", "Rehab (new name)", "booked"],
      ["2030-09-24T10:00", "Rehab (new name)", "no_show"],
      ["2030-10-01T10:00", "Rehab (new name)", "booked"],
    ]);
    const tail = await updateEvent(staff(), series.id, { scope: "following", occurrenceStart: "2030-09-17T10:00:00-04:00", title: "Rehab II" });
    expect(await mine([series.id, tail.id])).toEqual([
      ["2030-09-03T10:00", "Rehab (new name)", "booked"],
      ["2030-09-10T10:00", "Rehab (new name)", "attended"],
      ["2030-09-17T10:00", "Rehab II", "booked"],
      ["2030-09-24T10:00", "Rehab II", "no_show"],
      ["2030-10-01T10:00", "Rehab II", "booked"],
    ]);
    await expectIndexEqualsPostgres();

    // An open-ended series: a status set for an occurrence beyond the horizon appears once it is materialised.
    const forever = await weekly("Forever", [patient(2)], "FREQ=WEEKLY");
    await setOccurrenceStatus(staff(), forever.id, { occurrenceStart: "2032-09-06T09:00:00-04:00", status: "confirmed" });
    const far = await feed(staff(), "start=2032-09-01T00:00:00&end=2032-09-14T00:00:00&timeZone=America/New_York");
    expect(far.filter((o) => o.eventId === forever.id).map((o) => [o.start.slice(0, 10), o.status])).toEqual([
      ["2032-09-06", "confirmed"],
      ["2032-09-13", "booked"],
    ]);
  });

  it("puts every status change into the audit trail, without the cancellation's reason", async () => {
    const single = await createEvent(staff(), { title: "Audited", start: "2030-10-21T09:00:00-04:00", end: "2030-10-21T09:30:00-04:00", timeZone: TZ, patientIds: [patient(1)], allowConflicts: true });
    await setStatusAudited(staff(), single.id, { status: "cancelled", reason: "Private matter" }, "203.0.113.7");
    // The entry is in the audit stream (or already moved to Postgres by a consumer).
    const streamed = ((await sessionRedis().xrevrange(keys.auditStream(), "+", "-", "COUNT", 500)) as [string, string[]][])
      .map(([, fields]) => JSON.parse(fields[1]!) as { action: string; eventId: string; patientIds: string[]; ip: string; details: Record<string, unknown> })
      .filter((e) => e.eventId === single.id);
    const stored = await db().$sql<{ action: string; eventId: string; patientIds: string[]; ip: string; details: Record<string, unknown> }[]>`
      SELECT action, event_id AS "eventId", patient_ids AS "patientIds", ip, details FROM audit_log WHERE event_id = ${single.id}`;
    const entries = [...streamed, ...stored.map((r) => ({ ...r }))];
    expect(entries).toEqual([
      expect.objectContaining({ action: "event.status", patientIds: [patient(1)], ip: "203.0.113.7", details: expect.objectContaining({ status: "cancelled", previous: "booked" }) }),
    ]);
    expect(JSON.stringify(entries)).not.toContain("Private matter");
  });

  it("reminds nobody of a cancelled occurrence", async () => {
    await db().$sql`UPDATE patients SET email = ${`p3-${org.tag}@example.test`} WHERE id = ${patient(2)}`;
    const start = new Date(Date.now() + 3 * 3_600_000);
    const soon = await createEvent(staff(), {
      title: "Soon",
      start: start.toISOString(),
      end: new Date(start.getTime() + 1_800_000).toISOString(),
      timeZone: TZ,
      patientIds: [patient(2)],
      allowConflicts: true,
    });
    const due = () => scheduleCandidates(org.id, Date.now(), 86_400_000, soon.id);
    expect((await due()).length).toBeGreaterThan(0);
    await setOccurrenceStatus(staff(), soon.id, { status: "cancelled", reason: "Clinic flooded" });
    expect(await due()).toEqual([]);
  });

  it("keeps who changed what, and checks its input", async () => {
    const single = await createEvent(staff(), { title: "Check-up", start: "2030-10-14T15:00:00-04:00", end: "2030-10-14T15:20:00-04:00", timeZone: TZ, patientIds: [patient(0)], allowConflicts: true });
    await setOccurrenceStatus(staff(), single.id, { status: "checked_in" });
    await setOccurrenceStatus(org.admin.actor, single.id, { status: "attended" });
    const history = await statusHistory(staff(), single.id, "2030-10-14T15:00:00-04:00");
    expect(history.map((h) => [h.previous, h.status, h.changedBy])).toEqual([
      ["checked_in", "attended", `admin ${org.tag}`],
      ["booked", "checked_in", `staff ${org.tag}`],
    ]);
    await expect(setOccurrenceStatus(staff(), single.id, { status: "cancelled" })).rejects.toMatchObject({ code: "bad_request", message: /reason/ });
    await expect(setOccurrenceStatus(staff(), single.id, { status: "gone" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(setOccurrenceStatus(staff(), single.id, { status: "confirmed", occurrenceStart: "2030-10-15T15:00:00-04:00" })).rejects.toMatchObject({ code: "not_found" });
    await expect(setOccurrenceStatus(patientActor(0), single.id, { status: "confirmed" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(setOccurrenceStatus(other.staff.actor, single.id, { status: "confirmed" })).rejects.toMatchObject({ code: "not_found" });
    const series = await weekly("Needs a slot", [patient(1)]);
    await expect(setOccurrenceStatus(staff(), series.id, { status: "confirmed" })).rejects.toMatchObject({ code: "not_found" });
  });
});
