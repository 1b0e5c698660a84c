import "server-only";
import { z } from "zod";
import { requireStaff, type Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { badRequest, isUniqueViolation, notFound, parseInput } from "@/lib/errors";
import { forgetOrgCohorts } from "@/lib/events/patient-scope";
import { publishLiveUpdate } from "@/lib/live/publish";

export interface CohortSummary {
  id: string;
  name: string;
  memberCount: number;
}

const name = z.string().trim().min(1, "is required").max(80, "is at most 80 characters");
const id = z.uuid({ message: "must be an id (UUID)" });
const createSchema = z.object({ name });
const renameSchema = z.object({ cohortId: id, name });
const membersSchema = z.object({ cohortId: id, patientIds: z.array(id).min(1).max(5000) });
const deleteSchema = z.object({ cohortId: id });

const requireCohortStaff = (actor: Actor) => requireStaff(actor, "Only staff can manage cohorts");


/**
 * After a committed change of a cohort's members (or its deletion): this instance answers with the new
 * members at once, the others when the message arrives on the live channel (patient-scope's cache), and
 * open calendars of the organisation read again.
 */
async function cohortChanged(orgId: string, cohortId: string): Promise<void> {
  forgetOrgCohorts(orgId);
  await publishLiveUpdate(orgId, { eventId: "", version: 0, deleted: false, patientIds: [], cohort: cohortId });
}

/** The organisation's cohorts by name, with their sizes. */
export async function listCohorts(actor: Actor): Promise<CohortSummary[]> {
  requireCohortStaff(actor);
  return db().$sql<CohortSummary[]>`
    SELECT c.id, c.name, count(m.patient_id)::int AS "memberCount"
    FROM cohorts c LEFT JOIN cohort_members m ON m.cohort_id = c.id
    WHERE c.org_id = ${actor.orgId}
    GROUP BY c.id ORDER BY c.name`.then((rows) => rows.map((r) => ({ ...r })));
}

export async function createCohort(actor: Actor, input: unknown): Promise<CohortSummary> {
  requireCohortStaff(actor);
  const { name } = parseInput(createSchema, input);
  try {
    const [row] = await db().$sql<{ id: string }[]>`
      INSERT INTO cohorts (org_id, name) VALUES (${actor.orgId}, ${name}) RETURNING id`;
    return { id: row!.id, name, memberCount: 0 };
  } catch (error) {
    if (isUniqueViolation(error)) throw badRequest(`A cohort named "${name}" already exists`);
    throw error;
  }
}

export async function renameCohort(actor: Actor, input: unknown): Promise<void> {
  requireCohortStaff(actor);
  const { cohortId, name } = parseInput(renameSchema, input);
  try {
    const rows = await db().$sql`
      UPDATE cohorts SET name = ${name} WHERE id = ${cohortId} AND org_id = ${actor.orgId} RETURNING id`;
    if (rows.length === 0) throw notFound("Cohort");
  } catch (error) {
    if (isUniqueViolation(error)) throw badRequest(`A cohort named "${name}" already exists`);
    throw error;
  }
}

export async function deleteCohort(actor: Actor, input: unknown): Promise<void> {
  requireCohortStaff(actor);
  const { cohortId } = parseInput(deleteSchema, input);
  const rows = await db().$sql`DELETE FROM cohorts WHERE id = ${cohortId} AND org_id = ${actor.orgId} RETURNING id`;
  if (rows.length === 0) throw notFound("Cohort");
  await cohortChanged(actor.orgId, cohortId);
}

/** Adds patients of the organisation to a cohort (already members are left as they are). */
export async function addCohortMembers(actor: Actor, input: unknown): Promise<number> {
  requireCohortStaff(actor);
  const { cohortId, patientIds } = parseInput(membersSchema, input);
  const sql = db().$sql;
  const count = await sql.begin(async (tx) => {
    const [cohort] = await tx`SELECT 1 FROM cohorts WHERE id = ${cohortId} AND org_id = ${actor.orgId} FOR UPDATE`;
    if (!cohort) throw notFound("Cohort");
    const unique = [...new Set(patientIds)];
    const [owned] = await tx<{ n: number }[]>`
      SELECT count(*)::int AS n FROM patients WHERE org_id = ${actor.orgId} AND id = ANY(${unique}::uuid[])`;
    if (owned?.n !== unique.length) throw notFound("Patient");
    const added = await tx`
      INSERT INTO cohort_members (cohort_id, patient_id)
      SELECT ${cohortId}::uuid, unnest(${unique}::uuid[]) ON CONFLICT DO NOTHING RETURNING patient_id`;
    return added.length;
  });
  await cohortChanged(actor.orgId, cohortId);
  return count;
}

export async function removeCohortMembers(actor: Actor, input: unknown): Promise<number> {
  requireCohortStaff(actor);
  const { cohortId, patientIds } = parseInput(membersSchema, input);
  const removed = await db().$sql`
    DELETE FROM cohort_members m USING cohorts c
    WHERE m.cohort_id = c.id AND c.id = ${cohortId} AND c.org_id = ${actor.orgId}
      AND m.patient_id = ANY(${patientIds}::uuid[])
    RETURNING m.patient_id`;
  if (removed.length === 0) {
    const [cohort] = await db().$sql`SELECT 1 FROM cohorts WHERE id = ${cohortId} AND org_id = ${actor.orgId}`;
    if (!cohort) throw notFound("Cohort");
  }
  await cohortChanged(actor.orgId, cohortId);
  return removed.length;
}
