import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCredentials } from "@/lib/auth/verify-credentials";
import { closeDb, db } from "@/lib/db/client";
import { daySheets } from "@/lib/day-sheet/day-sheet";
import { env } from "@/lib/env";
import { patientFeedForToken } from "@/lib/ics/patient-feed";
import { issueCalendarToken } from "@/lib/ics/tokens";
import { setPatientArchived } from "@/lib/patients/admin-patients";
import { cacheRedis, closeRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { indexReadable } from "@/lib/reliability/index-recovery";
import { createTestResource } from "@/lib/testing/clinic-fixtures";
import { createTestCohort, createTestEvent, createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { waitFor } from "@/lib/testing/wait-for";
import { archiveCutoffs } from "./archive-cutoffs";
import { createEvent } from "./create-event";
import type { FeedQuery } from "./feed-query";
import { hotWindows } from "./hot-windows";
import { indexDifferences } from "./index/compare-index";
import { startInvalidationListener, stopInvalidationListener } from "./index/live-subscriber";
import { readFromIndex } from "./index/read-from-index";
import { listOccurrencesJson } from "./list-occurrences";
import { resolvePatientScope } from "./patient-scope";
import { readFromPostgres } from "./read-from-postgres";
import type { FeedOccurrence, LiveUpdate } from "./types";

/**
 * Issue 9: archiving a patient hides their FUTURE occurrences (starting at or after the moment of
 * archiving) from cohort and organisation views; their history stays there, and restoring brings the
 * future back. Real Postgres and Redis, through every tier: hot windows, the Redis index, Postgres.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
let org: TestOrganization;
let cohortId: string;
let t0: number;
const at = (hours: number) => new Date(t0 + hours * HOUR);

beforeAll(async () => {
  org = await createTestOrganization({ patients: 3 });
  startInvalidationListener();
  // Reads use the cache tiers once the live channel's heartbeat has answered.
  await waitFor(() => hotWindows().isLive() && indexReadable(), 2000);
  // Whole minutes, as appointments are; every time below is relative to this.
  t0 = Math.floor(Date.now() / 60_000) * 60_000;
  const [a, b, c] = org.patients.map((p) => p.id);
  cohortId = await createTestCohort(org.id, `Rehab ${org.tag}`, [a!, b!]);
  const event = (title: string, hours: number, patientIds: string[], extra: { minutes?: number; rrule?: string } = {}) =>
    createTestEvent(org.id, { title, start: at(hours), patientIds, ...extra });
  await event("B last week", -6 * 24, [b!]);
  await event("B yesterday", -24, [b!]);
  // Started before the archiving, still running after it: history, not future.
  await event("B in progress", -0.25, [b!], { minutes: 60 });
  await event("B tomorrow", 24, [b!]);
  await event("B next week", 6 * 24, [b!]);
  // A weekly series across the moment of archiving: its past occurrences stay, its future ones go.
  await event("B weekly", -14 * 24 + 2, [b!], { rrule: "FREQ=WEEKLY;COUNT=5" });
  await event("A tomorrow", 24 + 1, [a!]);
  // Group sessions: hidden only when every patient on it is archived (for the view).
  await event("A+B group tomorrow", 24 + 2, [a!, b!]);
  await event("B+C group tomorrow", 24 + 3, [b!, c!]);
});
afterAll(async () => {
  await stopInvalidationListener();
  await closeDb();
  await closeRedis();
});

const week = (extra: Partial<FeedQuery> = {}): FeedQuery => ({ start: new Date(t0 - 7 * DAY), end: new Date(t0 + 7 * DAY), timeZone: org.timeZone, ...extra });
const orgDay = (offsetDays: number): FeedQuery => ({ start: new Date(t0 + offsetDays * DAY - 12 * HOUR), end: new Date(t0 + offsetDays * DAY + 12 * HOUR), timeZone: org.timeZone });

async function withCacheMode<T>(mode: "on" | "off", read: () => Promise<T>): Promise<T> {
  const config = env() as { CACHE_MODE: string };
  const before = config.CACHE_MODE;
  config.CACHE_MODE = mode;
  try {
    return await read();
  } finally {
    config.CACHE_MODE = before;
  }
}

/** The titles a staff member sees, after checking that every tier gives the very same bytes. */
async function titles(query: FeedQuery): Promise<string[]> {
  const staff = org.staff.actor;
  const cached = (await listOccurrencesJson(staff, query)).toString();
  const hot = (await listOccurrencesJson(staff, query)).toString(); // the second read: this process's hot window
  const uncached = (await withCacheMode("off", () => listOccurrencesJson(staff, query))).toString();
  expect(hot).toBe(cached);
  expect(uncached).toBe(cached);
  // And the two stores directly, with the scope the feed resolved (nothing served from memory).
  const scope = { orgId: org.id, ...(await resolvePatientScope(staff, query)) };
  expect((await readFromIndex(scope, query.start, query.end))?.toString()).toBe(cached);
  expect((await readFromPostgres(scope, query.start, query.end, query.timeZone)).toString()).toBe(cached);
  return (JSON.parse(cached) as FeedOccurrence[]).map((o) => o.title).sort();
}

const sorted = (list: string[]) => [...list].sort();
// In the week around now: B weekly's occurrences 7 days ago and in 2 hours.
const PAST = ["B last week", "B yesterday", "B in progress", "B weekly"];
const FUTURE_OF_B = ["B tomorrow", "B next week", "B weekly"];
const OTHERS_TOMORROW = ["A tomorrow", "A+B group tomorrow"];

describe("archiving a patient hides their future, never their history", () => {
  it("before archiving, every view shows everything", async () => {
    expect(await titles(week({ cohortId }))).toEqual(sorted([...PAST, ...FUTURE_OF_B, ...OTHERS_TOMORROW, "B+C group tomorrow"]));
    expect(await titles(orgDay(-1))).toEqual(["B yesterday"]);
    expect(await titles(orgDay(1))).toEqual(sorted(["B tomorrow", "B+C group tomorrow", ...OTHERS_TOMORROW]));
    expect(await indexDifferences(org.id)).toEqual([]);
  });

  it("archiving: cohort week and organisation days keep the past and drop the future, in every tier at once", async () => {
    const b = org.patients[1]!.id;
    await setPatientArchived(org.admin.actor, b, true);
    const [row] = await db().$sql<{ ms: string }[]>`SELECT (extract(epoch FROM archived_at) * 1000)::bigint::text AS ms FROM patients WHERE id = ${b}`;
    expect((await archiveCutoffs(org.id)).get(b)).toBe(Number(row!.ms));

    // The cohort {A, B}: B's history and A's future; B+C's group session had only B from this cohort.
    expect(await titles(week({ cohortId }))).toEqual(sorted([...PAST, ...OTHERS_TOMORROW]));
    // A window wholly after the archiving: B's set is not read at all (nor rebuilt).
    expect(await titles(week({ cohortId, start: new Date(t0 + 12 * HOUR) }))).toEqual(OTHERS_TOMORROW);
    expect(await titles(orgDay(-1))).toEqual(["B yesterday"]);
    expect(await titles(orgDay(-7))).toEqual(["B weekly"]);
    // The organisation: C still meets in the B+C group session; B's own future is gone.
    expect(await titles(orgDay(1))).toEqual(sorted(["B+C group tomorrow", ...OTHERS_TOMORROW]));
    expect(await titles(orgDay(0))).toEqual(["B in progress"]);
    expect(await titles(orgDay(7))).toEqual([]);
    // An explicit look at the patient (their record, a link) still shows all of their appointments.
    expect(await titles(week({ patientIds: [b] }))).toEqual(sorted([...PAST, ...FUTURE_OF_B, "A+B group tomorrow", "B+C group tomorrow"]));
    // The index itself is untouched: archiving changes what views show, not what the index holds.
    expect(await indexDifferences(org.id)).toEqual([]);
  });

  it("restoring brings the future back at once", async () => {
    await setPatientArchived(org.admin.actor, org.patients[1]!.id, false);
    expect(await titles(week({ cohortId }))).toEqual(sorted([...PAST, ...FUTURE_OF_B, ...OTHERS_TOMORROW, "B+C group tomorrow"]));
    expect(await titles(orgDay(1))).toEqual(sorted(["B tomorrow", "B+C group tomorrow", ...OTHERS_TOMORROW]));
    expect(await titles(orgDay(7))).toEqual(["B weekly"]);
    expect(await indexDifferences(org.id)).toEqual([]);
  });

  it("another instance's archiving reaches this one's hot windows and cut-offs through the live channel", async () => {
    const b = org.patients[1]!.id;
    const query = orgDay(1);
    expect(await titles(query)).toContain("B tomorrow");
    // Committed elsewhere: only the publication can tell this process.
    await db().$sql`UPDATE patients SET archived_at = ${new Date(t0).toISOString()} WHERE id = ${b}`;
    const update: LiveUpdate = { eventId: "", version: 0, deleted: false, patientIds: [b], patient: "archived" };
    await cacheRedis().publish(keys.liveChannel(org.id), JSON.stringify(update));
    const read = async () => (await listOccurrencesJson(org.staff.actor, query)).toString();
    await waitFor(async () => !(await read()).includes("B tomorrow"), 2000);
    expect(await titles(query)).toEqual(sorted(["B+C group tomorrow", ...OTHERS_TOMORROW]));
    await setPatientArchived(org.admin.actor, b, false);
    expect(await titles(query)).toContain("B tomorrow");
  });

  it("the archived patient's own calendar: no sign-in and no ICS feed while archived; restored, the feed has the future again", async () => {
    const b = org.patients[1]!;
    const token = await issueCalendarToken(b.user.actor);
    expect(await patientFeedForToken(token)).toContain("B next week");
    await setPatientArchived(org.admin.actor, b.id, true);
    await expect(patientFeedForToken(token)).rejects.toMatchObject({ code: "not_found" });
    expect(await verifyCredentials(b.user.email, b.user.password)).toBeNull();
    await setPatientArchived(org.admin.actor, b.id, false);
    expect(await patientFeedForToken(token)).toContain("B next week");
    // The login stays disabled until an admin enables it again (a separate decision).
    expect(await verifyCredentials(b.user.email, b.user.password)).toBeNull();
  });

  it("day sheets follow the same rule: yesterday's appointment stays on the clinician's sheet, tomorrow's goes", async () => {
    const clinic = await createTestOrganization({ patients: 1 });
    const patient = clinic.patients[0]!.id;
    const clinicianId = await createTestResource(clinic.id, "clinician", `Dr Archive ${clinic.tag}`);
    const book = (title: string, hours: number) =>
      createEvent(clinic.staff.actor, { title, start: at(hours).toISOString(), end: at(hours + 0.5).toISOString(), timeZone: clinic.timeZone, patientIds: [patient], clinicianId });
    await book("Yesterday", -24);
    await book("Tomorrow", 24);
    const sheet = async (hours: number) => {
      const date = at(hours).toLocaleDateString("en-CA", { timeZone: clinic.timeZone });
      const { sheets } = await daySheets(clinic.staff.actor, { date, kind: "clinician", resourceId: clinicianId });
      return sheets.flatMap((s) => s.appointments.map((a) => a.title));
    };
    await setPatientArchived(clinic.admin.actor, patient, true);
    expect([await sheet(-24), await sheet(24)]).toEqual([["Yesterday"], []]);
    await setPatientArchived(clinic.admin.actor, patient, false);
    expect(await sheet(24)).toEqual(["Tomorrow"]);
  });
});
