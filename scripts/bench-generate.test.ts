import { randomUUID } from "node:crypto";
import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { deleteGenerated, generate, type GenerateOptions } from "@/bench/generate";
import { closeDb, db } from "@/lib/db/client";
import { eventPatients, events, occurrencePatients, occurrences, organizations, patients } from "@/lib/db/schema";
import { seriesEndOf } from "@/lib/events/event-store";
import { materializeEvent } from "@/lib/events/materialize";

// The benchmark's generator writes in bulk what the engine writes one event at a time: the two must agree.
const prefix = `gentest-${randomUUID().slice(0, 8)}`;
const options: GenerateOptions = {
  seed: randomUUID(),
  slugPrefix: prefix,
  // A span across the 2026 DST changes of all three zones (US Mar 8, EU Mar 29, Sydney Apr 5).
  organizations: [
    { patients: 100, timeZone: "America/New_York", name: `${prefix} NY` },
    { patients: 50, timeZone: "Europe/London", name: `${prefix} London` },
    { patients: 50, timeZone: "Australia/Sydney", name: `${prefix} Sydney` },
  ],
  weeks: 8,
  weeksBefore: 4,
  anchor: "2026-03-16",
  now: new Date("2026-03-16T12:00:00Z"),
  passwordHash: "not-a-real-hash",
  patientUsers: 2,
};

const orgIds = async () =>
  (await db().$sql<{ id: string }[]>`SELECT id FROM organizations WHERE slug LIKE ${`${prefix}-%`} ORDER BY slug`).map((r) => r.id);

async function fingerprint(): Promise<string> {
  const rows = await db().$sql<{ digest: string }[]>`
    SELECT md5(string_agg(o.event_id::text || o.start_at::text || o.end_at::text || o.title || array_to_string(o.patient_ids, ','),
                          '|' ORDER BY o.event_id, o.original_start)) AS digest
    FROM occurrences o JOIN organizations org ON org.id = o.org_id WHERE org.slug LIKE ${`${prefix}-%`}`;
  return rows[0]!.digest;
}

beforeAll(async () => {
  await deleteGenerated(db().$sql, prefix);
  await generate(db().$sql, options);
});

afterAll(async () => {
  await deleteGenerated(db().$sql, prefix);
  await closeDb();
});

describe("bench data generator", () => {
  it("writes the seed's shape: two weekly series per patient, a group of 10 per 50 patients, cohorts of 100", async () => {
    const ids = await orgIds();
    const [counts] = await db().$sql<{ events: number; occurrences: number; links: number; cohorts: number; members: number; users: number }[]>`
      SELECT (SELECT count(*) FROM events WHERE org_id = ANY(${ids}::uuid[]))::int AS events,
             (SELECT count(*) FROM occurrences WHERE org_id = ANY(${ids}::uuid[]))::int AS occurrences,
             (SELECT count(*) FROM occurrence_patients op JOIN events e ON e.id = op.event_id WHERE e.org_id = ANY(${ids}::uuid[]))::int AS links,
             (SELECT count(*) FROM cohorts WHERE org_id = ANY(${ids}::uuid[]))::int AS cohorts,
             (SELECT count(*) FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id WHERE c.org_id = ANY(${ids}::uuid[]))::int AS members,
             (SELECT count(*) FROM users WHERE org_id = ANY(${ids}::uuid[]))::int AS users`;
    // series: 2 per patient + 1 group per 50 patients: (200 + 2) + (100 + 1) + (100 + 1)
    expect(counts).toEqual({
      events: 404,
      occurrences: 404 * 8,
      links: (400 + 4 * 10) * 8,
      cohorts: 1,
      members: 100,
      users: 3 * (2 + 2),
    });
    const ids100 = await db().select({ id: patients.id }).from(patients).where(inArray(patients.orgId, ids));
    for (const { id } of ids100) expect(z.uuid().safeParse(id).success).toBe(true);
  });

  it("keeps the local wall-clock time across DST", async () => {
    const rows = await db().$sql<{ zone: string; times: number; offsets: number }[]>`
      SELECT o.time_zone AS zone, max(t.times)::int AS times, max(t.offsets)::int AS offsets
      FROM (SELECT event_id, count(DISTINCT (start_at AT TIME ZONE time_zone)::time) AS times,
                   count(DISTINCT (start_at AT TIME ZONE time_zone) - (start_at AT TIME ZONE 'UTC')) AS offsets
            FROM occurrences GROUP BY event_id) t
      JOIN occurrences o ON o.event_id = t.event_id
      JOIN organizations org ON org.id = o.org_id AND org.slug LIKE ${`${prefix}-%`}
      GROUP BY o.time_zone ORDER BY o.time_zone`;
    expect(rows).toEqual([
      { zone: "America/New_York", times: 1, offsets: 2 },
      { zone: "Australia/Sydney", times: 1, offsets: 2 },
      { zone: "Europe/London", times: 1, offsets: 2 },
    ]);
  });

  it("matches what materializeEvent writes for the same events, and their series end", async () => {
    const ids = await orgIds();
    const sample = await db()
      .select()
      .from(events)
      .where(inArray(events.orgId, ids))
      .orderBy(asc(events.id))
      .limit(40);
    const groups = await db().select().from(events).where(eq(events.title, "Group session"));
    const chosen = [...sample, ...groups.filter((g) => ids.includes(g.orgId))];
    expect(chosen.length).toBeGreaterThan(40);

    const columns = {
      orgId: occurrences.orgId, eventId: occurrences.eventId, originalStart: occurrences.originalStart,
      startAt: occurrences.startAt, endAt: occurrences.endAt, allDay: occurrences.allDay, timeZone: occurrences.timeZone,
      title: occurrences.title, description: occurrences.description, location: occurrences.location,
      patientIds: occurrences.patientIds, recurring: occurrences.recurring, rrule: occurrences.rrule, version: occurrences.version,
    };
    for (const event of chosen) {
      expect(seriesEndOf(event)?.toISOString()).toBe(event.seriesEnd?.toISOString());
      const rollback = new Error("rollback");
      await db()
        .transaction(async (tx) => {
          const read = () => tx.select(columns).from(occurrences).where(eq(occurrences.eventId, event.id)).orderBy(asc(occurrences.originalStart));
          const readLinks = () =>
            tx.select().from(occurrencePatients).where(eq(occurrencePatients.eventId, event.id))
              .orderBy(asc(occurrencePatients.originalStart), asc(occurrencePatients.patientId));
          const generated = await read();
          const generatedLinks = await readLinks();
          const linked = await tx.select({ id: eventPatients.patientId }).from(eventPatients).where(eq(eventPatients.eventId, event.id));
          const patientIds = generated[0]!.patientIds;
          expect(new Set(linked.map((l) => l.id))).toEqual(new Set(patientIds));

          await materializeEvent(tx, event, patientIds, [], event.materializedUntil!);
          expect(await read()).toEqual(generated);
          expect(await readLinks()).toEqual(generatedLinks);
          const [after] = await tx.select({ until: events.materializedUntil }).from(events).where(eq(events.id, event.id));
          expect(after!.until).toEqual(event.materializedUntil);
          throw rollback;
        })
        .catch((error: unknown) => {
          if (error !== rollback) throw error;
        });
    }
  });

  it("records each organisation's longest occurrence, and is deterministic for a seed", async () => {
    const orgs = await db().select({ max: organizations.maxOccurrenceMs }).from(organizations).where(inArray(organizations.id, await orgIds()));
    expect(orgs.map((o) => o.max)).toEqual([3_600_000, 3_600_000, 3_600_000]);

    const before = await fingerprint();
    await deleteGenerated(db().$sql, prefix);
    await generate(db().$sql, options);
    expect(await fingerprint()).toBe(before);
  });
});
