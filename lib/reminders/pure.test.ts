import { describe, expect, it } from "vitest";
import { composePatientReminder, describeWhen } from "./compose";
import { backoffMs } from "./deliver";
import { decodeMember, encodeMember, messageIdFor, reminderId } from "./identity";
import { describeFailure, isPermanentFailure } from "./mailer";
import { isSuperseded } from "./schedule";

const EVENT = "11111111-2222-3333-4444-555555555555";
const PATIENT = "66666666-7777-8888-9999-000000000000";

describe("reminder identity", () => {
  it("round-trips members and refuses anything else", () => {
    const ref = { kind: "patient" as const, eventId: EVENT, originalStartMs: 1_800_000_000_000, startMs: 1_800_003_600_000, patientId: PATIENT, minutesBefore: 120 };
    expect(decodeMember(encodeMember(ref))).toEqual(ref);
    expect(decodeMember(encodeMember({ kind: "agenda", userId: PATIENT, date: "2027-01-31" }))).toEqual({ kind: "agenda", userId: PATIENT, date: "2027-01-31" });
    for (const bad of ["", "p:x", `p:${EVENT}:1:2:${PATIENT}:abc`, `a:${PATIENT}:31-01-2027`, `q:${EVENT}`]) expect(decodeMember(bad)).toBeNull();
  });

  it("derives one id and Message-ID per reminder and organisation", () => {
    const a = reminderId("org-a", "p:member");
    expect(reminderId("org-a", "p:member")).toBe(a);
    expect(reminderId("org-b", "p:member")).not.toBe(a);
    expect(messageIdFor(a, "reminders@clinic.example")).toBe(`<reminder.${a}@clinic.example>`);
  });
});

describe("delivery rules", () => {
  it("backs off exponentially, with at most 10 % jitter, up to the cap", () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 30_000, 300_000, () => 0))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(10, 30_000, 300_000, () => 0)).toBe(300_000);
    expect(backoffMs(1, 30_000, 300_000, () => 1)).toBe(33_000);
  });

  it("sends only the latest of several overdue lead times", () => {
    const start = 10 * 3_600_000;
    expect(isSuperseded({ startMs: start, minutesBefore: 1440 }, [1440, 120], start - 60 * 60_000)).toBe(true);
    expect(isSuperseded({ startMs: start, minutesBefore: 120 }, [1440, 120], start - 60 * 60_000)).toBe(false);
    expect(isSuperseded({ startMs: start, minutesBefore: 1440 }, [1440, 120], start - 1000 * 60_000)).toBe(false);
  });

  it("tells permanent refusals from passing ones and keeps addresses out of what it records", () => {
    expect(isPermanentFailure(Object.assign(new Error("x"), { responseCode: 550 }))).toBe(true);
    expect(isPermanentFailure(Object.assign(new Error("x"), { responseCode: 451 }))).toBe(false);
    expect(isPermanentFailure(new Error("ECONNREFUSED"))).toBe(false);
    expect(describeFailure(new Error("550 5.1.1 <jane.doe@example.org>: unknown user"))).toBe("550 5.1.1 <<address>>: unknown user");
  });
});

describe("reminder e-mails", () => {
  const facts = {
    orgName: "Sunrise Health",
    eventId: EVENT,
    originalStart: new Date("2027-01-12T14:00:00Z"),
    recurring: true,
    title: "Cardiac rehab",
    location: null,
    start: new Date("2027-01-12T14:00:00Z"),
    end: new Date("2027-01-12T15:00:00Z"),
    allDay: false,
    eventTimeZone: "America/New_York",
    timeZone: "America/Los_Angeles",
  };

  it("say when in the reader's zone, and all-day appointments by their dates", () => {
    expect(describeWhen(facts)).toBe("Tuesday, January 12, 2027, 6:00 AM – 7:00 AM PST (America/Los_Angeles)");
    const allDay = { ...facts, allDay: true, start: new Date("2027-01-12T05:00:00Z"), end: new Date("2027-01-14T05:00:00Z") };
    expect(describeWhen(allDay)).toBe("Tuesday, January 12, 2027 to Wednesday, January 13, 2027 (all day)");
  });

  it("carry the occurrence as a calendar file under the feed's UID for it", () => {
    const mail = composePatientReminder(facts, new Date("2027-01-11T14:00:00Z"));
    expect(mail.subject).toBe("Appointment reminder: Tuesday, January 12, 2027, 6:00 AM");
    expect(mail.ics!.content).toContain(`UID:${EVENT}-${facts.originalStart.getTime()}@cohort-calendar`);
    expect(mail.ics!.content).toContain("DTSTART:20270112T140000Z");
    expect(mail.ics!.content).toContain("METHOD:PUBLISH");
  });
});
