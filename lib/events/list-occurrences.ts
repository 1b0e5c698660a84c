import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { isStaff } from "@/lib/auth/actor";
import { notFound } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { recordCacheRead, recordDependencyError } from "@/lib/metrics/instruments"; // ops metrics
import type { FeedQuery } from "./feed-query";
import { cacheEnabled } from "./index/cache-mode";
import { readFromIndex } from "./index/read-from-index";
import { ensureMaterialized } from "./ensure-materialized";
import { resolvePatientScope } from "./patient-scope";
import { readFromPostgres, type PostgresFeedScope } from "./read-from-postgres";

// Only a key, never a string inside JSON text: inside strings a quote is always escaped.
const PATIENT_IDS = /"patientIds":\[[^\]]*\]/g;

/**
 * The occurrences overlapping [start, end) that the actor may see, as the JSON feed's body. Cache-aside:
 * the Redis index answers when it holds the whole window in the asked zone (it stores times in the
 * organisation's zone); otherwise, when it is away or CACHE_MODE=off, Postgres does.
 */
export async function listOccurrencesJson(actor: Actor, query: FeedQuery): Promise<string | Buffer> {
  const scope = await feedScope(actor, query);
  await ensureMaterialized(actor.orgId, query.end);

  const kind = scope.ownPatientId ? "own" : scope.patientIds ? "patients" : "org"; // ops metrics
  if (cacheEnabled() && query.timeZone === actor.orgTimeZone) {
    try {
      const body = await readFromIndex(scope, query.start, query.end);
      if (body) {
        if (!scope.ownPatientId) return body;
        return body.toString("utf8").replace(PATIENT_IDS, `"patientIds":${JSON.stringify([scope.ownPatientId])}`);
      }
    } catch (error) {
      recordCacheRead(kind, "error"); // ops metrics
      recordDependencyError("redis_cache", error);
      logger().warn({ err: error }, "index read failed; answering from Postgres");
    }
  } else {
    recordCacheRead(kind, "bypass"); // ops metrics
  }
  return readFromPostgres(scope, query.start, query.end, query.timeZone);
}

async function feedScope(actor: Actor, query: FeedQuery): Promise<PostgresFeedScope> {
  if (isStaff(actor)) return { orgId: actor.orgId, patientIds: await resolvePatientScope(actor, query) };
  const own = actor.patientId;
  if (!own) throw notFound("Patient");
  if (query.cohortId) throw notFound("Cohort");
  if (query.patientIds?.some((id) => id !== own)) throw notFound("Patient");
  return { orgId: actor.orgId, patientIds: [own], ownPatientId: own };
}
