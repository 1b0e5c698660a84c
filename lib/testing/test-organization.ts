import "server-only";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/passwords";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { cohortMembers, cohorts, eventPatients, events, organizations, patients, users } from "@/lib/db/schema";
import { rematerialize } from "@/lib/events/event-store";
import { syncEventAfterCommit } from "@/lib/events/index/sync-event";

/**
 * Creates an organisation of its own for one test (unit, integration or e2e), so tests never share or
 * clobber data and can run in parallel. Every name carries a random tag.
 */
export const TEST_PASSWORD = "test-password-1234";

export interface TestUser {
  id: string;
  email: string;
  password: string;
  actor: Actor;
}

export interface TestOrganization {
  id: string;
  tag: string;
  timeZone: string;
  admin: TestUser;
  staff: TestUser;
  patients: { id: string; name: string; user: TestUser }[];
}

let passwordHash: Promise<string> | undefined;

export async function createTestOrganization(options: { timeZone?: string; patients?: number } = {}): Promise<TestOrganization> {
  const tag = randomUUID().slice(0, 8);
  const timeZone = options.timeZone ?? "America/New_York";
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const hash = await passwordHash;
  const [org] = await db()
    .insert(organizations)
    .values({ name: `Test clinic ${tag}`, slug: `test-${tag}`, timeZone })
    .returning();
  if (!org) throw new Error("could not create the test organisation");

  const makeUser = async (role: Actor["role"], label: string, patientId: string | null): Promise<TestUser> => {
    const email = `${label}-${tag}@example.test`;
    const [row] = await db()
      .insert(users)
      .values({ orgId: org.id, email, name: `${label} ${tag}`, role, passwordHash: hash, patientId })
      .returning();
    return { id: row!.id, email, password: TEST_PASSWORD, actor: { userId: row!.id, orgId: org.id, role, patientId, timeZone, orgTimeZone: timeZone } };
  };

  const patientRows = await db()
    .insert(patients)
    .values(
      Array.from({ length: options.patients ?? 2 }, (_, i) => ({
        orgId: org.id,
        name: `Patient ${i + 1} ${tag}`,
        color: "#1a73e8",
      })),
    )
    .returning({ id: patients.id, name: patients.name });

  return {
    id: org.id,
    tag,
    timeZone,
    admin: await makeUser("admin", "admin", null),
    staff: await makeUser("staff", "staff", null),
    patients: await Promise.all(
      patientRows.map(async (p, i) => ({ ...p, user: await makeUser("patient", `patient${i + 1}`, p.id) })),
    ),
  };
}

export async function createTestCohort(orgId: string, name: string, patientIds: string[]): Promise<string> {
  const [row] = await db().insert(cohorts).values({ orgId, name }).returning({ id: cohorts.id });
  if (patientIds.length) await db().insert(cohortMembers).values(patientIds.map((patientId) => ({ cohortId: row!.id, patientId })));
  return row!.id;
}

/**
 * Inserts an event without the API's validation and conflict checks (any time, any patients), then
 * materialises and indexes it as the engine does, for tests that read.
 */
export async function createTestEvent(
  orgId: string,
  input: { title: string; start: Date; minutes?: number; patientIds: string[]; rrule?: string; timeZone?: string; allDay?: boolean; end?: Date },
): Promise<string> {
  const eventId = await db().transaction(async (tx) => {
    const [org] = await tx.select({ timeZone: organizations.timeZone }).from(organizations).where(eq(organizations.id, orgId));
    const [event] = await tx
      .insert(events)
      .values({
        orgId,
        title: input.title,
        startAt: input.start,
        endAt: input.end ?? new Date(input.start.getTime() + (input.minutes ?? 30) * 60_000),
        allDay: input.allDay ?? false,
        timeZone: input.timeZone ?? org!.timeZone,
        rrule: input.rrule ?? null,
        revision: 0,
      })
      .returning();
    await tx.insert(eventPatients).values(input.patientIds.map((patientId) => ({ eventId: event!.id, patientId })));
    await rematerialize(tx, { event: event!, patientIds: input.patientIds, exceptions: [] });
    return event!.id;
  });
  await syncEventAfterCommit(orgId, eventId);
  return eventId;
}
