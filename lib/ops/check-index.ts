import "server-only";
import { env } from "@/lib/env";
import { compareWholeIndex, type IndexDifference, type RecordDifference, type WholeIndexDifferences } from "@/lib/events/index/compare-index";
import { describeMember } from "@/lib/events/index/members";
import { cacheRedis } from "@/lib/redis/client";
import { units } from "@/lib/redis/keys";
import { forEachBounded, organisationIds, progressEvery } from "./org-pool";
import { scanKeys } from "./redis-nodes";

/**
 * `cache:check`: compares the Redis index with Postgres, organisation by organisation, with the engine's
 * own comparer (`compareWholeIndex`: the sorted sets, the event records and the look-back key). On a live
 * system a write-through may be in flight while an organisation is compared, so an organisation that
 * differs is compared once more after the reconciler had time to run; only lasting differences count.
 * Over the whole index it also lists keys of organisations that no longer exist in Postgres (SCAN only).
 */
export interface OrgDifferences {
  orgId: string;
  sets: IndexDifference[];
  records: RecordDifference[];
  lookback: WholeIndexDifferences["lookback"];
}

export interface CheckReport {
  organisations: number;
  differences: OrgDifferences[];
  /** Keys of organisations that Postgres does not have (whole-index checks only). */
  orphanKeys: string[];
  seconds: number;
}

export interface CheckOptions {
  orgIds?: string[];
  concurrency?: number;
  /** Wait before comparing a differing organisation again (the reconciler runs every second). */
  recheckDelayMs?: number;
  onProgress?: (line: string) => void;
}

const unitMs = { org: units.orgMs, patient: units.patientMs };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function compareOrganisation(orgId: string): Promise<OrgDifferences> {
  return { orgId, ...(await compareWholeIndex(orgId, unitMs)) };
}

const differs = (d: OrgDifferences) => d.sets.length > 0 || d.records.length > 0 || d.lookback.length > 0;

export async function checkIndex(options: CheckOptions = {}): Promise<CheckReport> {
  const started = Date.now();
  const orgIds = options.orgIds ?? (await organisationIds());
  const report: CheckReport = { organisations: orgIds.length, differences: [], orphanKeys: [], seconds: 0 };
  const progress = progressEvery(2000, options.onProgress);
  let done = 0;
  await forEachBounded(orgIds, options.concurrency ?? 2, async (orgId) => {
    let result = await compareOrganisation(orgId);
    if (differs(result)) {
      await sleep(options.recheckDelayMs ?? 1500);
      result = await compareOrganisation(orgId);
    }
    if (differs(result)) report.differences.push(result);
    done += 1;
    progress(`${done}/${orgIds.length} organisations compared, ${report.differences.length} with differences`, done === orgIds.length);
  });
  if (!options.orgIds) {
    report.orphanKeys = await orphanKeys(new Set(orgIds));
    if (report.orphanKeys.length) progress(`${report.orphanKeys.length} keys of organisations that no longer exist`, true);
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/** Index keys whose organisation (the `{orgId}` hash tag) is not in Postgres. */
async function orphanKeys(known: Set<string>): Promise<string[]> {
  const prefix = env().REDIS_KEY_PREFIX;
  const found: string[] = [];
  for (const kind of ["organization", "events"]) {
    const pattern = `${prefix}${kind}:{*`;
    await scanKeys(cacheRedis(), pattern, (batch) => {
      for (const key of batch) {
        const orgId = /^[^{]*\{([^}]+)\}/.exec(key.slice(prefix.length))?.[1];
        if (orgId && !known.has(orgId)) found.push(key);
      }
    });
  }
  return found;
}

/** The report as the lines `cache:check` prints: one per difference, patient data never included. */
export function describeDifferences(report: CheckReport): string[] {
  const lines: string[] = [];
  for (const org of report.differences) {
    for (const set of org.sets) {
      // Members may be occurrence JSON (titles): print only which occurrences, never their text.
      const ids = (members: string[]) => members.map(describeMember).join(", ");
      if (set.extra.length) lines.push(`${org.orgId} ${set.set}: ${set.extra.length} member(s) Postgres does not have: ${ids(set.extra)}`);
      if (set.missing.length) lines.push(`${org.orgId} ${set.set}: ${set.missing.length} member(s) missing from a hydrated unit: ${ids(set.missing)}`);
    }
    for (const record of org.records) lines.push(`${org.orgId} ${record.key}: ${record.problem.replaceAll("_", " ")} (revision ${record.revision})`);
    for (const l of org.lookback) lines.push(`${org.orgId} ${l.key}: look-back ${l.held} ms, Postgres says ${l.postgres} ms (long occurrences would be missed)`);
  }
  if (report.orphanKeys.length) lines.push(`${report.orphanKeys.length} key(s) of organisations not in Postgres, e.g. ${report.orphanKeys.slice(0, 3).join(", ")}`);
  return lines;
}

export const isClean = (report: CheckReport) => report.differences.length === 0 && report.orphanKeys.length === 0;
