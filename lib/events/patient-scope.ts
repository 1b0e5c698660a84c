import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/client";
import { notFound } from "@/lib/errors";
import type { FeedQuery } from "./feed-query";
import { indexReadable } from "@/lib/reliability/index-recovery";
import { withDeadline } from "@/lib/reliability/deadline";
import { archiveCutoffs, cutoffsBefore, cutoffsOf, forgetArchiveCutoffs, REFRESH_WAIT_MS, type ArchiveCutoffs } from "./archive-cutoffs";
import { hotWindows } from "./hot-windows";

/**
 * Which patients a staff query is about, checked against the actor's organisation; undefined means the
 * whole organisation. Foreign or unknown ids are "not found": another organisation's ids never show.
 *
 * Both answers are remembered in process so that a calendar read costs no Postgres query:
 * - Patient ids: a patient belongs to one organisation for good (patients are archived, never moved or
 *   deleted), so a confirmed id stays confirmed. The first check in an organisation loads all its ids at
 *   once; an id not among them (a patient created since, or a foreign id) is looked up on its own.
 * - Cohort members change. An organisation's cohorts are loaded together and kept while this process
 *   receives invalidations on the live channel (the hot windows' subscription): every change of members
 *   and every deleted cohort is published there (lib/cohorts) and drops the organisation's cohorts here.
 *   While the subscription is down or its heartbeat late they are not trusted (read from Postgres each
 *   time). A generation per organisation keeps a load that raced with an invalidation from being
 *   stored; COHORT_TTL_MS bounds the damage of a lost publish. Past it they are kept while Postgres does
 *   not answer the reload (an outage: nothing can change then), as the archive cut-offs are.
 */
export const COHORT_TTL_MS = 10 * 60_000;
const MAX_ORGS = 1000;

interface OrgCohorts {
  members: Map<string, string[]>;
  expires: number;
  /** The hot windows' epoch at load: a later one means invalidations may have been missed since. */
  epoch: number;
}

interface ScopeCache {
  patients: Map<string, Set<string>>;
  cohorts: Map<string, OrgCohorts>;
  generations: Map<string, number>;
}

const globalForScope = globalThis as unknown as { cohortScopeCache?: ScopeCache };
const cache = (): ScopeCache => (globalForScope.cohortScopeCache ??= { patients: new Map(), cohorts: new Map(), generations: new Map() });
const generation = (orgId: string) => cache().generations.get(orgId) ?? 0;
/** Invalidations are arriving: the subscription is up and its heartbeat fresh (the hot windows' lease). */
const trusted = () => hotWindows().isLive() && indexReadable();

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
export async function resolvePatientScope(actor: Actor, query: FeedQuery, now = Date.now()): Promise<PatientScope> {
  if (query.patientIds) {
    await assertOwnPatients(actor.orgId, query.patientIds);
    return { patientIds: query.patientIds };
  }
  const [patientIds, cutoffs] = await Promise.all([
    query.cohortId ? membersOf(actor.orgId, query.cohortId, now) : undefined,
    archiveCutoffs(actor.orgId, now),
  ]);
  return { patientIds, archived: patientIds ? cutoffsOf(cutoffs, patientIds) : cutoffsBefore(cutoffs, query.end) };
}

async function assertOwnPatients(orgId: string, patientIds: string[]): Promise<void> {
  const { patients } = cache();
  let known = patients.get(orgId);
  if (known && patientIds.every((id) => known!.has(id))) return;
  if (!known) {
    // The first check of the organisation in this process: all its ids in one statement.
    const rows = await db().$sql<{ id: string }[]>`SELECT id FROM patients WHERE org_id = ${orgId}`;
    if (!patients.has(orgId) && patients.size >= MAX_ORGS) patients.clear();
    known = new Set(rows.map((r) => r.id));
    patients.set(orgId, known);
  }
  const unknown = patientIds.filter((id) => !known!.has(id));
  if (unknown.length === 0) return;
  const rows = await db().$sql<{ id: string }[]>`
    SELECT id FROM patients WHERE org_id = ${orgId} AND id = ANY(${unknown}::uuid[])`;
  for (const row of rows) known.add(row.id);
  if (rows.length !== new Set(unknown).size) throw notFound("Patient");
}

async function membersOf(orgId: string, cohortId: string, now = Date.now()): Promise<string[]> {
  // Only while invalidations arrive: a change made meanwhile by another instance could be missed.
  const hot = hotWindows();
  const held = trusted() ? cache().cohorts.get(orgId) : undefined;
  const fresh = held && held.expires > now && held.epoch === hot.epoch() ? held : undefined;
  const members = fresh?.members.get(cohortId);
  if (members) return members;
  // Held past COHORT_TTL_MS with nothing missed since: kept while Postgres does not answer the reload
  // (members change only through Postgres, and every change arrives here on the live channel).
  const stale = !fresh && held && held.epoch === hot.epoch() ? held.members.get(cohortId) : undefined;
  const reload = loadCohorts(orgId, fresh ? cohortId : null, now);
  const loaded = stale ? await withDeadline(reload, REFRESH_WAIT_MS).catch(() => undefined) : await reload;
  if (!loaded) return stale!;
  const found = loaded.get(cohortId);
  if (!found) throw notFound("Cohort");
  return found;
}

/**
 * The members of the organisation's cohorts (all of them, or the one a complete set lacked: created
 * since), remembered when nothing changed meanwhile.
 */
async function loadCohorts(orgId: string, onlyCohortId: string | null, now = Date.now()): Promise<Map<string, string[]>> {
  const hot = hotWindows();
  const before = generation(orgId);
  const epoch = hot.epoch();
  const rows = await db().$sql<{ id: string; members: string[] | null }[]>`
    SELECT c.id, array_agg(m.patient_id) FILTER (WHERE m.patient_id IS NOT NULL) AS members
    FROM cohorts c
    -- Archived members too: their history stays on the cohort's calendar (the caller cuts their future).
    LEFT JOIN cohort_members m ON m.cohort_id = c.id
    WHERE c.org_id = ${orgId} AND (${onlyCohortId}::uuid IS NULL OR c.id = ${onlyCohortId}::uuid)
    GROUP BY c.id`;
  const loaded = new Map(rows.map((r) => [r.id, r.members ?? []]));
  const { cohorts } = cache();
  if (trusted() && generation(orgId) === before && hot.epoch() === epoch) {
    const held = onlyCohortId ? cohorts.get(orgId) : undefined;
    if (held?.epoch === epoch) for (const [id, members] of loaded) held.members.set(id, members);
    else if (!onlyCohortId) {
      if (!cohorts.has(orgId) && cohorts.size >= MAX_ORGS) cohorts.clear();
      cohorts.set(orgId, { members: loaded, expires: now + COHORT_TTL_MS, epoch });
    }
  }
  return loaded;
}

/**
 * Call after a cohort's members changed or it was deleted (lib/cohorts): every cohort of the
 * organisation, and every hot window, answers anew. Other instances do the same when the change arrives
 * on the live channel (lib/events/index/live-subscriber.ts).
 */
export function forgetOrgCohorts(orgId: string): void {
  const { cohorts, generations } = cache();
  generations.set(orgId, generation(orgId) + 1);
  cohorts.delete(orgId);
  hotWindows().invalidateOrg(orgId);
}

/**
 * Call after a patient of the organisation was archived or restored (cohort and organisation views
 * leave archived patients' future out): every view of the organisation answers anew. Other instances
 * do the same when the patient change arrives on the live channel (lib/events/index/live-subscriber.ts).
 */
export function forgetOrgPatientScope(orgId: string): void {
  forgetArchiveCutoffs(orgId);
  forgetOrgCohorts(orgId);
}
