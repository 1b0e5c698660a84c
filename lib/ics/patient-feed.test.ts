import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { addTestException } from "@/lib/testing/test-exceptions";
import { createTestEvent, createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { buildPatientCalendar } from "./patient-feed";

let org: TestOrganization;
let ics: string;
const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  org = await createTestOrganization({ patients: 2 });
  const [a, b] = org.patients.map((p) => p.id);
  // Weekly 09:00 New York across the DST change of 8 March 2026; the 2nd cancelled, the 3rd moved.
  const weekly = await createTestEvent(org.id, { title: "Weekly", start: at("2026-03-05T14:00:00Z"), minutes: 45, patientIds: [a!], rrule: "FREQ=WEEKLY;COUNT=4" });
  await addTestException(weekly, { originalStart: at("2026-03-12T13:00:00Z"), cancelled: true });
  await addTestException(weekly, { originalStart: at("2026-03-19T13:00:00Z"), start: at("2026-03-20T18:00:00Z"), end: at("2026-03-20T19:00:00Z"), title: "Moved" });
  await createTestEvent(org.id, { title: "Group", start: at("2026-03-06T15:00:00Z"), patientIds: [a!, b!] });
  await createTestEvent(org.id, { title: "Theirs", start: at("2026-03-06T16:00:00Z"), patientIds: [b!] });
  await createTestEvent(org.id, { title: "Day off", start: at("2026-03-09T04:00:00Z"), end: at("2026-03-10T04:00:00Z"), allDay: true, patientIds: [a!] });
  ics = (await buildPatientCalendar(a!, "Test")).toString();
});

afterAll(async () => {
  await closeDb();
});

describe("a patient's ICS feed", () => {
  it("expresses the series with RRULE, EXDATE, RECURRENCE-ID and a VTIMEZONE", () => {
    expect(ics).toContain("BEGIN:VTIMEZONE\r\nTZID:America/New_York");
    expect(ics).toContain("DTSTART;TZID=America/New_York:20260305T090000");
    expect(ics).toContain("RRULE:FREQ=WEEKLY;COUNT=4");
    expect(ics).toContain("EXDATE;TZID=America/New_York:20260312T090000");
    expect(ics).toContain("RECURRENCE-ID;TZID=America/New_York:20260319T090000");
    expect(ics).toContain("DTSTART;VALUE=DATE:20260309");
    expect(ics).not.toContain("Theirs");
  });

  it("parses with ical.js into the occurrences the calendar shows", () => {
    const root = new ICAL.Component(ICAL.parse(ics));
    for (const tz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
    const events = root.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
    const master = events.find((e) => e.summary === "Weekly" && !e.isRecurrenceException())!;
    for (const e of events) if (e.isRecurrenceException() && e.uid === master.uid) master.relateException(e);
    const starts: string[] = [];
    const it = master.iterator();
    for (let next = it.next(); next; next = it.next()) {
      const d = master.getOccurrenceDetails(next);
      starts.push(`${d.item.summary} ${d.startDate.toJSDate().toISOString()}`);
    }
    expect(starts).toEqual(["Weekly 2026-03-05T14:00:00.000Z", "Moved 2026-03-20T18:00:00.000Z", "Weekly 2026-03-26T13:00:00.000Z"]);
  });
});
