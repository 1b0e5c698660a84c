import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/errors";
import type { FeedQuery } from "./feed-query";

/**
 * The patient ids a staff query is about, checked against the actor's organisation; undefined means the
 * whole organisation. Foreign or unknown ids are "not found": another organisation's ids never show.
 */
export async function resolvePatientScope(actor: Actor, query: FeedQuery): Promise<string[] | undefined> {
  const sql = db().$sql;
  if (query.cohortId) {
    const rows = await sql<{ found: boolean; members: string[] | null }[]>`
      SELECT true AS found, array_agg(m.patient_id) FILTER (WHERE m.patient_id IS NOT NULL) AS members
      FROM cohorts c LEFT JOIN cohort_members m ON m.cohort_id = c.id
      WHERE c.id = ${query.cohortId} AND c.org_id = ${actor.orgId}
      GROUP BY c.id`;
    if (!rows[0]) throw notFound("Cohort");
    return rows[0].members ?? [];
  }
  if (query.patientIds) {
    if (query.patientIds.length === 0) return [];
    const [row] = await sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM patients WHERE org_id = ${actor.orgId} AND id = ANY(${query.patientIds}::uuid[])`;
    if ((row?.n ?? 0) !== query.patientIds.length) throw notFound("Patient");
    return query.patientIds;
  }
  return undefined;
}
