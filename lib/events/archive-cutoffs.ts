import "server-only";
import { db } from "@/lib/db/client";
import { withDeadline } from "@/lib/reliability/deadline";
import { epochMs, type Fragment, type Sql } from "./occurrence-json";

/**
 * When each archived patient of an organisation was archived (patient id → epoch ms of `archived_at`).
 *
 * The rule (issue 9): archiving hides a patient's FUTURE occurrences from the cohort and organisation
 * views, and only those. "Future" is fixed at the moment of archiving: an occurrence starting at or
 * after the patient's `archived_at` is hidden for them; one that started before (history, or one in
 * progress) stays. A group session is hidden only when every patient on it is hidden on it (the others
 * still meet). Restoring clears `archived_at`, so the same occurrences come back.
 *
 * Both read paths (the Redis index and Postgres) apply the rule with this same map, passed in, so they
 * answer the same bytes; neither asks Postgres for it per read. It is kept in process for at most
 * CUTOFFS_TTL_MS and dropped at once by `forgetArchiveCutoffs` (this instance on archive and restore,
 * the others when the change arrives on the live channel), as cohort members are (patient-scope.ts).
 * Past the TTL it is refreshed, and kept when Postgres does not answer the refresh in REFRESH_WAIT_MS.
 */
export type ArchiveCutoffs = ReadonlyMap<string, number>;

export const CUTOFFS_TTL_MS = 30_000;
/** How long a refresh of a held map may take before the held one answers (the refresh goes on). */
export const REFRESH_WAIT_MS = 250;
const MAX_ORGS = 1000;
const NONE: ArchiveCutoffs = new Map();

const globalForCutoffs = globalThis as unknown as {
  archiveCutoffs?: Map<string, { cutoffs: ArchiveCutoffs; expires: number }>;
  /** Bumped by every forget: a load that began before it must not store what it read. */
  archiveCutoffEpochs?: Map<string, number>;
};
const cache = () => (globalForCutoffs.archiveCutoffs ??= new Map());
const epochs = () => (globalForCutoffs.archiveCutoffEpochs ??= new Map());

export async function archiveCutoffs(orgId: string, now = Date.now()): Promise<ArchiveCutoffs> {
  const held = cache().get(orgId);
  if (held && held.expires > now) return held.cutoffs;
  const load = loadCutoffs(orgId, now);
  if (!held) return load;
  // Postgres away or slow: archiving and restoring need it too, so nothing can have changed meanwhile
  // (and a change before it arrived here on the live channel, dropping the map). The held map answers,
  // so reads of windows the index holds go on past a Postgres outage longer than the TTL.
  try {
    return await withDeadline(load, REFRESH_WAIT_MS);
  } catch {
    return held.cutoffs;
  }
}

async function loadCutoffs(orgId: string, now: number): Promise<ArchiveCutoffs> {
  const epoch = epochs().get(orgId) ?? 0;
  // patients_org_archived_idx: an index range of the organisation's archived patients only.
  const rows = await db().$sql<{ id: string; ms: string }[]>`
    SELECT id, (extract(epoch FROM archived_at) * 1000)::bigint::text AS ms
    FROM patients WHERE org_id = ${orgId} AND archived_at IS NOT NULL`;
  const cutoffs = rows.length === 0 ? NONE : new Map(rows.map((r) => [r.id, Number(r.ms)]));
  if ((epochs().get(orgId) ?? 0) === epoch) {
    if (!cache().has(orgId) && cache().size >= MAX_ORGS) cache().clear();
    cache().set(orgId, { cutoffs, expires: now + CUTOFFS_TTL_MS });
  }
  return cutoffs;
}

/** Call when a patient of the organisation was archived or restored. */
export function forgetArchiveCutoffs(orgId: string): void {
  epochs().set(orgId, (epochs().get(orgId) ?? 0) + 1);
  cache().delete(orgId);
}

/** The cut-offs of these patients only (a cohort's members); undefined when none of them is archived. */
export function cutoffsOf(cutoffs: ArchiveCutoffs, patientIds: readonly string[]): ArchiveCutoffs | undefined {
  if (cutoffs.size === 0) return undefined;
  const mine = new Map<string, number>();
  for (const id of patientIds) {
    const at = cutoffs.get(id);
    if (at !== undefined) mine.set(id, at);
  }
  return mine.size ? mine : undefined;
}

/** The cut-offs that can hide something before `end` (a window's end); undefined when none can. */
export function cutoffsBefore(cutoffs: ArchiveCutoffs, end: Date): ArchiveCutoffs | undefined {
  const limit = end.getTime();
  let all = true;
  for (const at of cutoffs.values()) if (at >= limit) all = false;
  // The common case (a window that ends after every archiving so far) costs no copy.
  if (all) return cutoffs.size ? cutoffs : undefined;
  const before = [...cutoffs].filter(([, at]) => at < limit);
  return before.length ? new Map(before) : undefined;
}

/**
 * The same rule for queries that read the patients table anyway (day sheets): whether occurrence `o`
 * still shows, to the millisecond as the cut-offs above compare (epoch ms of the start and of archived_at).
 */
export function shownDespiteArchiving(sql: Sql): Fragment {
  return sql`(cardinality(o.patient_ids) = 0 OR EXISTS (SELECT 1 FROM patients ap WHERE ap.id = ANY(o.patient_ids)
    AND (ap.archived_at IS NULL OR ${epochMs(sql, sql`o.start_at`)} < ${epochMs(sql, sql`ap.archived_at`)})))`;
}
