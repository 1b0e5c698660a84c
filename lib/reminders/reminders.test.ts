import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { createEvent } from "@/lib/events/create-event";
import { deleteEvent } from "@/lib/events/delete-event";
import { getEvent } from "@/lib/events/get-event";
import { updateEvent } from "@/lib/events/update-event";
import { closeRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { archivePatients, createReminderOrganization, iso, ledgerOf, MINUTE } from "@/lib/testing/reminder-fixtures";
import { startSmtpSink, type SmtpSink } from "@/lib/testing/smtp-sink";
import { createTestCohort } from "@/lib/testing/test-organization";
import { localDate, zonedInstant } from "@/lib/time/zones";
import { brokerRedis } from "./broker";
import { listDeadLetters, requeueDeadLetter } from "./dead-letters";
import { reminderHealth } from "./health";
import { setAgendaSubscription, setOrgReminderMinutes } from "./settings";
import { ReminderWorker, type ReminderWorkerOptions } from "./worker";

/**
 * Reminders end to end in this process, on a clock the tests move: real Postgres, real Redis (stream,
 * consumer group, schedules), real SMTP (a local sink). Worker processes that die are in
 * worker-process.test.ts.
 */
let sink: SmtpSink;
let clock = 0;
let workers: ReminderWorker[] = [];
const DAY = 24 * 60 * MINUTE;
/** Appointments start on a whole hour three days from now: well inside the materialised horizon. */
const BASE = Math.ceil((Date.now() + 3 * DAY) / (60 * MINUTE)) * 60 * MINUTE;

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterEach(async () => {
  for (const worker of workers) await worker.stop();
  workers = [];
  sink.behave("accept");
});
afterAll(async () => {
  await sink.close();
  await closeDb();
  await closeRedis();
});

function workerFor(orgId: string, options: ReminderWorkerOptions = {}): ReminderWorker {
  const worker = new ReminderWorker({ now: () => clock, organizations: [orgId], smtpUrl: sink.url, smtpTimeoutMs: 5000, ...options });
  workers.push(worker);
  return worker;
}

/** Sets the clock and lets the worker do everything that is due by then. */
async function at(worker: ReminderWorker, ms: number) {
  clock = ms;
  return worker.runOnce();
}

describe("patient reminders", () => {
  it("arrive once, at the right time, in the patient's time zone, with a calendar file", async () => {
    const { org, emails } = await createReminderOrganization({ patients: 3, timeZones: ["Europe/London", null, null] });
    const worker = workerFor(org.id);
    const start = BASE;
    const created = await createEvent(org.staff.actor, {
      title: "Cardiac rehab",
      start: iso(start),
      end: iso(start + 45 * MINUTE),
      timeZone: "America/New_York",
      location: "Room 4",
      description: "Private clinical note",
      patientIds: [org.patients[0]!.id, org.patients[1]!.id],
      allowConflicts: true,
    });

    // A minute early: nothing. Organisation defaults are 24 hours and 2 hours before.
    await at(worker, start - DAY - MINUTE);
    expect(sink.to(emails[0]!)).toHaveLength(0);

    const first = await at(worker, start - DAY);
    expect(first.outcomes.filter((o) => o === "sent")).toHaveLength(2);
    const [mail] = sink.to(emails[0]!);
    expect(sink.to(emails[1]!)).toHaveLength(1);
    expect(sink.to(emails[2]!)).toHaveLength(0); // not on the appointment
    expect(mail!.to).toEqual([emails[0]]); // one recipient per e-mail: nobody sees who else attends
    expect(mail!.messageId).toMatch(/^<reminder\.[0-9a-f]{40}@cohort-calendar\.invalid>$/);
    // Times in the patient's zone (London) though the organisation and the event are in New York.
    const london = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/London", hour: "numeric", minute: "2-digit" }).format(start);
    expect(mail!.subject).toContain(london);
    expect(mail!.subject).not.toContain("Cardiac rehab"); // titles stay out of subjects (lock screens)
    expect(mail!.raw).toContain("Europe/London");
    expect(mail!.raw).toContain("Room 4");
    expect(mail!.raw).not.toContain("Private clinical note");
    expect(mail!.raw).not.toContain(org.patients[1]!.name);
    expect(mail!.raw).toMatch(/Content-Type: text\/calendar/i);
    const ics = Buffer.from(mail!.raw.split(/filename=.?appointment\.ics.?\r?\n/i)[1]!.split(/\r?\n--/)[0]!.replace(/\s+/g, ""), "base64").toString();
    expect(ics).toContain(`UID:${created.id}@cohort-calendar`);
    expect(ics).toContain(`DTSTART:${iso(start).replace(/[-:]/g, "")}`);

    // Later passes, and the same moment again, send nothing more.
    await at(worker, start - DAY);
    await at(worker, start - DAY + 5 * MINUTE);
    expect(sink.to(emails[0]!)).toHaveLength(1);

    await at(worker, start - 120 * MINUTE);
    const mails = sink.to(emails[0]!);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.messageId).not.toBe(mails[0]!.messageId);
    expect((await ledgerOf(org.id)).map((r) => r.status)).toEqual(["sent", "sent", "sent", "sent"]);
  });

  it("follow the event: a moved occurrence is reminded at its new time, never at the old one", async () => {
    const { org, emails } = await createReminderOrganization({ patients: 1 });
    const worker = workerFor(org.id);
    const start = BASE + 2 * 60 * MINUTE;
    const series = await createEvent(org.staff.actor, {
      title: "Physio",
      start: iso(start),
      end: iso(start + 30 * MINUTE),
      timeZone: "UTC", // a series in UTC: whole days apart whatever DST does in New York
      rrule: "FREQ=WEEKLY;COUNT=4",
      patientIds: [org.patients[0]!.id],
      reminders: { minutesBefore: [60] },
      allowConflicts: true,
    });
    expect((await getEvent(org.staff.actor, series.id)).reminders).toEqual({ minutesBefore: [60] });

    // Scheduled in Redis already (due within the look-ahead) ...
    await at(worker, start - 65 * MINUTE);
    expect(await brokerRedis().zcard(keys.reminderSchedule(org.id))).toBe(1);
    // ... when the occurrence moves three hours later.
    const moved = start + 3 * 60 * MINUTE;
    await updateEvent(org.staff.actor, series.id, { scope: "this", occurrenceStart: iso(start), start: iso(moved), end: iso(moved + 30 * MINUTE), allowConflicts: true });

    const old = await at(worker, start - 60 * MINUTE);
    expect(old.outcomes).toContain("dropped"); // the old member came due, and Postgres said no
    await at(worker, start - 30 * MINUTE);
    expect(sink.to(emails[0]!)).toHaveLength(0);

    await at(worker, moved - 60 * MINUTE);
    const [mail] = sink.to(emails[0]!);
    expect(mail!.subject).toContain(new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "numeric", minute: "2-digit" }).format(moved));

    // "This and following" moves the rest of the series; the new series keeps the event's own reminders.
    const third = start + 14 * DAY;
    const later = third + 60 * MINUTE;
    await updateEvent(org.staff.actor, series.id, { scope: "following", occurrenceStart: iso(third), start: iso(later), end: iso(later + 30 * MINUTE), allowConflicts: true });
    await at(worker, third - 60 * MINUTE);
    expect(sink.to(emails[0]!)).toHaveLength(1);
    await at(worker, later - 60 * MINUTE);
    expect(sink.to(emails[0]!)).toHaveLength(2);
  });

  it("are dropped when the occurrence is cancelled, the patient archived or reminders turned off", async () => {
    const { org, emails } = await createReminderOrganization({ patients: 2 });
    const worker = workerFor(org.id);
    await setOrgReminderMinutes(org.admin.actor, [30]);
    const start = BASE + 4 * 60 * MINUTE;
    const series = await createEvent(org.staff.actor, {
      title: "Group session",
      start: iso(start),
      end: iso(start + 60 * MINUTE),
      timeZone: "UTC",
      rrule: "FREQ=DAILY;COUNT=4",
      patientIds: [org.patients[0]!.id, org.patients[1]!.id],
      allowConflicts: true,
    });
    await at(worker, start - 30 * MINUTE);
    for (const email of emails) expect(sink.to(email)).toHaveLength(1);

    const second = start + DAY;
    await at(worker, second - 35 * MINUTE); // scheduled in Redis
    await deleteEvent(org.staff.actor, series.id, { scope: "this", occurrenceStart: iso(second) });
    const cancelled = await at(worker, second - 30 * MINUTE);
    expect(cancelled.outcomes).toEqual(["dropped", "dropped"]);
    for (const email of emails) expect(sink.to(email)).toHaveLength(1);

    await archivePatients([org.patients[1]!.id]);
    await at(worker, start + 2 * DAY - 30 * MINUTE);
    expect(sink.to(emails[0]!)).toHaveLength(2);
    expect(sink.to(emails[1]!)).toHaveLength(1);

    await updateEvent(org.staff.actor, series.id, { scope: "all", reminders: { minutesBefore: [] } });
    await at(worker, start + 3 * DAY - 30 * MINUTE);
    expect(sink.to(emails[0]!)).toHaveLength(2);
    expect((await ledgerOf(org.id)).map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
  });

  it("are retried with backoff while SMTP fails, then dead-lettered for admins with the same Message-ID throughout", async () => {
    const { org, emails } = await createReminderOrganization({ patients: 1 });
    const worker = workerFor(org.id, { maxAttempts: 3, backoffBaseMs: 60_000 });
    const start = BASE + 6 * 60 * MINUTE;
    await createEvent(org.staff.actor, {
      title: "Check-up",
      start: iso(start),
      end: iso(start + 30 * MINUTE),
      timeZone: "America/New_York",
      patientIds: [org.patients[0]!.id],
      reminders: { minutesBefore: [120] },
      allowConflicts: true,
    });
    sink.behave("tempfail");
    const due = start - 120 * MINUTE;
    expect((await at(worker, due)).outcomes).toEqual(["retry"]);
    expect((await at(worker, due + 50_000)).outcomes).toEqual([]); // backoff: 60 s (+ up to 10 % jitter)
    expect((await at(worker, due + 67_000)).outcomes).toEqual(["retry"]);
    expect((await at(worker, due + 67_000 + 100_000)).outcomes).toEqual([]); // then 120 s
    expect((await at(worker, due + 67_000 + 133_000)).outcomes).toEqual(["dead"]);
    const attempts = sink.to(emails[0]!);
    expect(attempts.map((m) => m.answered)).toEqual(["tempfail", "tempfail", "tempfail"]);
    expect(new Set(attempts.map((m) => m.messageId)).size).toBe(1);

    const [ledger] = await ledgerOf(org.id);
    expect(ledger).toMatchObject({ status: "dead", attempts: 3 });
    const letters = await listDeadLetters(org.admin.actor);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ reminderId: ledger!.id, kind: "patient", attempts: 3 });
    expect(letters[0]!.reason).toContain("try again later");
    expect(letters[0]!.reason).not.toContain("@");
    await expect(listDeadLetters(org.staff.actor)).rejects.toThrow(/administrators/);
    expect(await listDeadLetters((await createReminderOrganization()).org.admin.actor)).toEqual([]);

    // Nothing more happens on its own; an admin's requeue delivers it once the server is fixed.
    expect((await at(worker, due + 30 * MINUTE)).outcomes).toEqual([]);
    sink.behave("accept");
    await requeueDeadLetter(org.admin.actor, letters[0]!.entryId, clock);
    expect((await at(worker, clock)).outcomes).toEqual(["sent"]);
    expect(sink.to(emails[0]!).at(-1)).toMatchObject({ answered: "accept", messageId: attempts[0]!.messageId });
    expect(await listDeadLetters(org.admin.actor)).toEqual([]);
  });

  it("dead-letters at once what the server refuses for good (5xx)", async () => {
    const { org } = await createReminderOrganization({ patients: 1 });
    const worker = workerFor(org.id);
    const start = BASE + 7 * 60 * MINUTE;
    await createEvent(org.staff.actor, {
      title: "X-ray",
      start: iso(start),
      end: iso(start + 30 * MINUTE),
      timeZone: "America/New_York",
      patientIds: [org.patients[0]!.id],
      reminders: { minutesBefore: [15] },
      allowConflicts: true,
    });
    sink.behave("permfail");
    expect((await at(worker, start - 15 * MINUTE)).outcomes).toEqual(["dead"]);
    expect((await listDeadLetters(org.admin.actor))[0]!.reason).toContain("No such mailbox");
  });

  it("survive the loss of Redis: the schedule and the stream are rebuilt from Postgres, nothing is sent twice", async () => {
    const { org, emails } = await createReminderOrganization({ patients: 2 });
    const worker = workerFor(org.id);
    const start = BASE + 8 * 60 * MINUTE;
    await createEvent(org.staff.actor, {
      title: "Review",
      start: iso(start),
      end: iso(start + 30 * MINUTE),
      timeZone: "America/New_York",
      patientIds: [org.patients[0]!.id, org.patients[1]!.id],
      reminders: { minutesBefore: [60, 10] },
      allowConflicts: true,
    });
    await at(worker, start - 60 * MINUTE);
    expect(sink.to(emails[0]!)).toHaveLength(1);
    await at(worker, start - 15 * MINUTE); // the 10-minute reminders are scheduled now
    expect(await brokerRedis().zcard(keys.reminderSchedule(org.id))).toBe(2);

    // Redis loses the organisation's schedule and the delivery stream (with its consumer group).
    await brokerRedis().del(keys.reminderSchedule(org.id), keys.reminderStream());
    await at(worker, start - 10 * MINUTE);
    for (const email of emails) expect(sink.to(email).map((m) => m.answered)).toEqual(["accept", "accept"]);
    expect((await at(worker, start - 5 * MINUTE)).outcomes).toEqual([]);
  });
});

describe("staff agenda", () => {
  it("sends a subscribed staff member the day's appointments of their cohort at 07:00 their time, without patient names", async () => {
    const { org } = await createReminderOrganization({ patients: 3 });
    const worker = workerFor(org.id);
    await setOrgReminderMinutes(org.admin.actor, []);
    const cohort = await createTestCohort(org.id, `Rehab ${org.tag}`, [org.patients[0]!.id, org.patients[1]!.id]);
    await setAgendaSubscription(org.admin.actor, { userId: org.staff.id, cohortId: cohort, sendAt: "07:00" });
    const sevenAm = zonedInstant(localDate(new Date(BASE), "America/New_York"), "07:00", "America/New_York").getTime();
    await createEvent(org.staff.actor, {
      title: "Group exercise",
      start: iso(sevenAm + 3 * 60 * MINUTE),
      end: iso(sevenAm + 4 * 60 * MINUTE),
      timeZone: "America/New_York",
      patientIds: org.patients.map((p) => p.id),
      allowConflicts: true,
    });
    await createEvent(org.staff.actor, {
      title: "Other cohort only",
      start: iso(sevenAm + 5 * 60 * MINUTE),
      end: iso(sevenAm + 6 * 60 * MINUTE),
      timeZone: "America/New_York",
      patientIds: [org.patients[2]!.id],
      allowConflicts: true,
    });

    await at(worker, sevenAm - MINUTE);
    expect(sink.to(org.staff.email)).toHaveLength(0);
    await at(worker, sevenAm);
    await at(worker, sevenAm + 10 * MINUTE);
    const [agenda] = sink.to(org.staff.email);
    expect(sink.to(org.staff.email)).toHaveLength(1);
    expect(agenda!.subject).toMatch(/: 1 appointment$/);
    expect(agenda!.raw).toContain("Group exercise");
    expect(agenda!.raw).toContain("2 patients"); // of the cohort's two; the third is not theirs
    expect(agenda!.raw).not.toContain("Other cohort only");
    for (const p of org.patients) expect(agenda!.raw).not.toContain(p.name);
  });
});

describe("operations", () => {
  it("reports counters, backlog, lag and the ledger for metrics and the System page", async () => {
    const health = await reminderHealth();
    expect(health.counters.outcomes.sent).toBeGreaterThan(0); // the tests above delivered through this process
    expect(health.counters.outcomes.dead).toBeGreaterThan(0);
    expect(health.streamLength).toEqual(expect.any(Number));
    expect(health.lagMs).toEqual(expect.any(Number));
    expect(health.last24h).toEqual({ sent: expect.any(Number), retrying: expect.any(Number), dead: expect.any(Number) });
  });
});
