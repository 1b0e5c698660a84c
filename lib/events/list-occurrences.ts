import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/actor";
import { notFound } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { recordCacheRead, recordDependencyError } from "@/lib/metrics/instruments"; // ops metrics
import { withDeadline } from "@/lib/reliability/deadline";
import { indexReadable, indexReadableSoon } from "@/lib/reliability/index-recovery";
import { ensureMaterialized } from "./ensure-materialized";
import type { FeedQuery } from "./feed-query";
import { hotWindows } from "./hot-windows";
import { cacheEnabled } from "./index/cache-mode";
import { readFromIndex } from "./index/read-from-index";
import { resolvePatientScope } from "./patient-scope";
import { readFromPostgres, type PostgresFeedScope } from "./read-from-postgres";

// Only a key, never a string inside JSON text: inside strings a quote is always escaped.
const PATIENT_IDS = /"patientIds":\[[^\]]*\]/g;

/**
 * The occurrences overlapping [start, end) that the actor may see, as the JSON feed's body. Two cache
 * tiers in front of Postgres: this process's hot windows, then the Redis index (which answers when it
 * holds the whole window in the asked zone: it stores times in the organisation's zone). Postgres
 * answers the rest, and everything when Redis is away or CACHE_MODE=off.
 */
export async function listOccurrencesJson(actor: Actor, query: FeedQuery): Promise<string | Buffer> {
  // Neither cache tier while the cache's breaker is open or the index is catching up after an outage
  // (lib/reliability/index-recovery): they could hold what changed meanwhile.
  const cached = cacheable(actor, query) || (cacheTierAsked(actor, query) && (await indexReadableSoon()));
  const hot = hotWindows();
  const key = cached ? windowKey(actor, query) : "";
  const hit = cached ? hot.get(key) : undefined;
  if (hit !== undefined) {
    recordHotRead(actor, query);
    return hit;
  }
  const generation = hot.generation(actor.orgId);

  // Bounded: a Postgres that hangs gives a 503 rather than a request that never ends.
  const scope = await withDeadline(feedScope(actor, query));
  await withDeadline(ensureMaterialized(actor.orgId, query.end));
  const kind = scope.ownPatientId ? "own" : scope.patientIds ? "patients" : "org"; // ops metrics
  if (cached) {
    try {
      const body = await readFromIndex(scope, query.start, query.end);
      if (body) {
        const visible = scope.ownPatientId
          ? body.toString("utf8").replace(PATIENT_IDS, `"patientIds":${JSON.stringify([scope.ownPatientId])}`)
          : body;
        hot.set(key, actor.orgId, scope.patientIds ?? null, visible, generation);
        return visible;
      }
    } catch (error) {
      recordCacheRead(kind, "error"); // ops metrics
      recordDependencyError("redis_cache", error);
      logger().warn({ err: error }, "index read failed; answering from Postgres");
    }
  } else {
    // ops metrics: not asked because it is off or in another zone (bypass), or because its breaker is
    // open or it is catching up after an outage (error: the cache is unavailable).
    recordCacheRead(kind, cacheTierAsked(actor, query) ? "error" : "bypass");
  }
  return readFromPostgres(scope, query.start, query.end, query.timeZone);
}

/**
 * The answer from this process's hot windows, if they hold it: for a guard that wants to know before
 * the session check whether the read will be served from memory (lib/audit/feed-audit). Call
 * `recordHotRead` when it is served.
 */
export function hotFeedBody(actor: Actor, query: FeedQuery): string | Buffer | undefined {
  return cacheable(actor, query) ? hotWindows().get(windowKey(actor, query)) : undefined;
}

export function recordHotRead(actor: Actor, query: FeedQuery): void {
  recordCacheRead(isStaff(actor) ? (query.patientIds || query.cohortId ? "patients" : "org") : "own", "hot"); // ops metrics
}

/** Whether the hot windows may answer at all now (CACHE_MODE, the index's state, their subscription). */
export function hotTierOpen(): boolean {
  return cacheEnabled() && indexReadable() && hotWindows().isLive();
}

function cacheable(actor: Actor, query: FeedQuery): boolean {
  return cacheTierAsked(actor, query) && indexReadable();
}

/** The cache tiers hold windows in the organisation's zone only. */
function cacheTierAsked(actor: Actor, query: FeedQuery): boolean {
  return cacheEnabled() && query.timeZone === actor.orgTimeZone;
}

/** Everything the answer depends on: who asks (staff see the organisation, a patient only themself) and what. */
function windowKey(actor: Actor, query: FeedQuery): string {
  const who = isStaff(actor) ? "staff" : `patient:${actor.patientId}`;
  const patients = query.patientIds ? sortedIds(query.patientIds) : "";
  return `${actor.orgId}|${who}|${query.cohortId ?? ""}|${patients}|${query.start.getTime()}|${query.end.getTime()}|${query.timeZone}`;
}

/** A selection's ids in one order; remembered per array, since a remembered query's array is reused (feed-query). */
const sortedSelections = new WeakMap<readonly string[], string>();
function sortedIds(ids: readonly string[]): string {
  let sorted = sortedSelections.get(ids);
  if (sorted === undefined) {
    sorted = [...ids].sort().join(",");
    if (Object.isFrozen(ids)) sortedSelections.set(ids, sorted);
  }
  return sorted;
}

async function feedScope(actor: Actor, query: FeedQuery): Promise<PostgresFeedScope> {
  if (isStaff(actor)) return { orgId: actor.orgId, ...(await resolvePatientScope(actor, query)) };
  const own = actor.patientId;
  if (!own) throw notFound("Patient");
  if (query.cohortId) throw notFound("Cohort");
  if (query.patientIds?.some((id) => id !== own)) throw notFound("Patient");
  return { orgId: actor.orgId, patientIds: [own], ownPatientId: own };
}
