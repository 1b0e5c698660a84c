import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { requestQueryTally } from "@/lib/db/query-attribution";
import { publishLiveUpdate } from "@/lib/live/publish";
import { withRequestContext } from "@/lib/logger";
import { indexReadable } from "@/lib/reliability/index-recovery";
import { closeRedis } from "@/lib/redis/client";
import { createTestCohort, createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { waitFor } from "@/lib/testing/wait-for";
import { feedQueryFromSearchParams } from "./feed-query";
import { hotWindows } from "./hot-windows";
import { startInvalidationListener, stopInvalidationListener } from "./index/live-subscriber";
import { CUTOFFS_TTL_MS } from "./archive-cutoffs";
import { COHORT_TTL_MS, resolvePatientScope } from "./patient-scope";

const RANGE = "start=2033-01-02T00:00:00&end=2033-01-09T00:00:00&timeZone=America/New_York";
let org: TestOrganization;

/** The scope of a staff read, and how many statements it sent to Postgres (as a request would count them). */
async function scope(params: string): Promise<{ patientIds: string[] | undefined; queries: number }> {
  const context = { requestId: randomUUID() };
  const { patientIds } = await withRequestContext(context, () =>
    resolvePatientScope(org.staff.actor, feedQueryFromSearchParams(new URLSearchParams(`${RANGE}&${params}`))),
  );
  return { patientIds: patientIds?.slice().sort(), queries: requestQueryTally(context).queries };
}

/** What another instance does after changing a cohort: commit, then publish on the live channel. */
async function removeMemberElsewhere(cohortId: string, patientId: string): Promise<void> {
  await db().$sql`DELETE FROM cohort_members WHERE cohort_id = ${cohortId} AND patient_id = ${patientId}`;
  await publishLiveUpdate(org.id, { eventId: "", version: 0, deleted: false, patientIds: [], cohort: cohortId });
}

beforeAll(async () => {
  org = await createTestOrganization({ patients: 3 });
  startInvalidationListener();
  // Remembered members are trusted once the live channel's heartbeat has answered.
  await waitFor(() => hotWindows().isLive() && indexReadable(), 15_000, "the live channel's heartbeat");
});
afterAll(async () => {
  await stopInvalidationListener();
  await closeDb();
  await closeRedis();
});

describe("patient scope (in-process cohort members and patient ids)", () => {
  it("answers a repeated cohort read without Postgres, and another instance's change once its message arrives", async () => {
    const [a, b, c] = org.patients.map((p) => p.id) as [string, string, string];
    const cohort = await createTestCohort(org.id, `Cohort ${org.tag}`, [a, b, c]);
    // The first read loads the organisation's cohorts (and its archived patients' cut-offs)…
    expect((await scope(`cohort=${cohort}`)).patientIds).toEqual([a, b, c].sort());
    // …the next sends nothing to Postgres.
    expect(await scope(`cohort=${cohort}`)).toEqual({ patientIds: [a, b, c].sort(), queries: 0 });

    await removeMemberElsewhere(cohort, c);
    await waitFor(async () => (await scope(`cohort=${cohort}`)).patientIds?.length === 2, 2000, "the removal reaching this process");
    expect(await scope(`cohort=${cohort}`)).toEqual({ patientIds: [a, b].sort(), queries: 0 });
  });

  it("a cohort created since the organisation's cohorts were loaded is found; a foreign one is not", async () => {
    const first = await createTestCohort(org.id, `First ${org.tag}`, [org.patients[0]!.id]);
    await scope(`cohort=${first}`);
    const later = await createTestCohort(org.id, `Later ${org.tag}`, [org.patients[1]!.id]);
    expect((await scope(`cohort=${later}`)).patientIds).toEqual([org.patients[1]!.id]);
    const other = await createTestOrganization({ patients: 1 });
    const foreign = await createTestCohort(other.id, `Foreign ${other.tag}`, [other.patients[0]!.id]);
    await expect(scope(`cohort=${foreign}`)).rejects.toMatchObject({ code: "not_found" });
  });

  it("does not trust remembered members while invalidations cannot arrive", async () => {
    const [a, b] = org.patients.map((p) => p.id) as [string, string];
    const cohort = await createTestCohort(org.id, `Unwatched ${org.tag}`, [a, b]);
    await scope(`cohort=${cohort}`);
    hotWindows().setLive(false);
    try {
      // A change whose message is lost: with the subscription down, the next read asks Postgres.
      await db().$sql`DELETE FROM cohort_members WHERE cohort_id = ${cohort} AND patient_id = ${b}`;
      expect(await scope(`cohort=${cohort}`)).toEqual({ patientIds: [a], queries: 1 });
    } finally {
      hotWindows().setLive(true);
    }
    // Back live: what was remembered before the gap is not served (the hot windows' epoch moved on).
    expect(await scope(`cohort=${cohort}`)).toEqual({ patientIds: [a], queries: 1 });
  });

  it("checks a selection's patient ids against the organisation once, then from memory; foreign ids stay not found", async () => {
    const ids = org.patients.map((p) => p.id);
    const first = await scope(`patients=${ids.join(",")}`);
    expect(first.patientIds).toEqual([...ids].sort());
    expect(await scope(`patients=${ids[1]}`)).toEqual({ patientIds: [ids[1]], queries: 0 });
    const other = await createTestOrganization({ patients: 1 });
    await expect(scope(`patients=${ids[0]},${other.patients[0]!.id}`)).rejects.toMatchObject({ code: "not_found" });
  });
  it("keeps a cohort's held members past their TTL while Postgres does not answer the reload (a long outage)", async () => {
    const [a, b] = org.patients.map((p) => p.id) as [string, string];
    const cohort = await createTestCohort(org.id, `Held ${org.tag}`, [a, b]);
    const query = feedQueryFromSearchParams(new URLSearchParams(`${RANGE}&cohort=${cohort}`));
    expect((await resolvePatientScope(org.staff.actor, query)).patientIds?.slice().sort()).toEqual([a, b].sort());

    const later = Date.now() + COHORT_TTL_MS + CUTOFFS_TTL_MS + 1;
    const lock = await db().$sql.reserve();
    try {
      await lock`BEGIN`;
      await lock`LOCK TABLE cohort_members, patients IN ACCESS EXCLUSIVE MODE`;
      // Without the held members this would wait for the lock, which is released only after it returns.
      const during = await resolvePatientScope(org.staff.actor, query, later);
      expect(during.patientIds?.slice().sort(), "the held members").toEqual([a, b].sort());
    } finally {
      await lock`ROLLBACK`;
      lock.release();
    }
  });
});
