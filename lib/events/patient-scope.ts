import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/errors";
import { archiveCutoffs, cutoffsBefore, cutoffsOf, forgetArchiveCutoffs, type ArchiveCutoffs } from "./archive-cutoffs";
import type { FeedQuery } from "./feed-query";
import { hotWindows } from "./hot-windows";

/**
 * Which patients a staff query is about, checked against the actor's organisation; undefined means the
 * whole organisation. Foreign or unknown ids are "not found": another organisation's ids never show.
 *
 * Both answers are remembered in process so a calendar read does not cost a Postgres query: a patient
 * belongs to one organisation for good (patients are archived, never moved or deleted), so a confirmed
 * id stays confirmed; cohort membership changes, so it is kept briefly and dropped by `forgetCohort`.
 */
export const COHORT_TTL_MS = 30_000;
const MAX_ORGS = 1000;

const globalForScope = globalThis as unknown as {
  cohortPatientsByOrg?: Map<string, Set<string>>;
  cohortMembers?: Map<string, { members: string[]; expires: number }>;
};
const knownPatients = () => (globalForScope.cohortPatientsByOrg ??= new Map());
const cohortMembers = () => (globalForScope.cohortMembers ??= new Map());

export interface PatientScope {
  /** Undefined: the whole organisation. */
  patientIds?: string[];
  /** Archived patients whose future occurrences the view leaves out (archive-cutoffs.ts). */
  archived?: ArchiveCutoffs;
}

/**
 * Cohort and organisation views leave out archived patients' future occurrences. An explicit selection
 * of patients does not: asking for a patient by id is a deliberate look at them (as their record's
 * upcoming appointments are), and the pickers that build selections no longer offer archived patients.
 */
export async function resolvePatientScope(actor: Actor, query: FeedQuery): Promise<PatientScope> {
  if (query.patientIds) {
    await assertOwnPatients(actor.orgId, query.patientIds);
    return { patientIds: query.patientIds };
  }
  const [patientIds, cutoffs] = await Promise.all([
    query.cohortId ? membersOf(actor.orgId, query.cohortId) : undefined,
    archiveCutoffs(actor.orgId),
  ]);
  return { patientIds, archived: patientIds ? cutoffsOf(cutoffs, patientIds) : cutoffsBefore(cutoffs, query.end) };
}

async function assertOwnPatients(orgId: string, patientIds: string[]): Promise<void> {
  const known = knownPatients().get(orgId) ?? new Set<string>();
  const unknown = patientIds.filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  const rows = await db().$sql<{ id: string }[]>`
    SELECT id FROM patients WHERE org_id = ${orgId} AND id = ANY(${unknown}::uuid[])`;
  if (rows.length !== unknown.length) throw notFound("Patient");
  if (!knownPatients().has(orgId) && knownPatients().size >= MAX_ORGS) knownPatients().clear();
  knownPatients().set(orgId, known);
  for (const row of rows) known.add(row.id);
}

async function membersOf(orgId: string, cohortId: string, now = Date.now()): Promise<string[]> {
  const key = `${orgId}|${cohortId}`;
  const cached = cohortMembers().get(key);
  if (cached && cached.expires > now) return cached.members;
  const rows = await db().$sql<{ members: string[] | null }[]>`
    SELECT array_agg(m.patient_id) FILTER (WHERE m.patient_id IS NOT NULL) AS members
    FROM cohorts c
    -- Archived members too: their history stays on the cohort's calendar (the caller cuts their future).
    LEFT JOIN cohort_members m ON m.cohort_id = c.id
    WHERE c.id = ${cohortId} AND c.org_id = ${orgId}
    GROUP BY c.id`;
  if (!rows[0]) throw notFound("Cohort");
  const members = rows[0].members ?? [];
  if (cohortMembers().size >= MAX_ORGS * 10) cohortMembers().clear();
  cohortMembers().set(key, { members, expires: now + COHORT_TTL_MS });
  return members;
}

/**
 * Call after changing a cohort's members: this process answers with the new members at once (other
 * instances within COHORT_TTL_MS, the age limit of their hot windows included).
 */
export function forgetCohort(orgId: string, cohortId: string): void {
  cohortMembers().delete(`${orgId}|${cohortId}`);
  hotWindows().invalidateOrg(orgId);
}

/**
 * Call after a patient of the organisation was archived or restored (cohort and organisation views
 * leave archived patients' future out): every view of the organisation answers anew. Other instances
 * do the same when the patient change arrives on the live channel (lib/events/index/live-subscriber.ts).
 */
export function forgetOrgPatientScope(orgId: string): void {
  for (const key of cohortMembers().keys()) if (key.startsWith(`${orgId}|`)) cohortMembers().delete(key);
  forgetArchiveCutoffs(orgId);
  hotWindows().invalidateOrg(orgId);
}
