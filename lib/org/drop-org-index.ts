import "server-only";
import { hotWindows } from "@/lib/events/hot-windows";
import { patientsChanged } from "@/lib/patients/patient-changes";
import { cacheRedis, scanCache } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";

/**
 * Drops an organisation's Redis index (its sets and event records), as an eviction would: the next reads
 * rebuild it from Postgres under the usual locks. Used when what the index holds no longer matches
 * (times are pre-formatted in the organisation's zone). The watermark is kept and bumped, so a rebuild
 * that read Postgres before this point is discarded rather than stored.
 */
export async function dropOrgIndex(orgId: string): Promise<number> {
  const redis = cacheRedis();
  const watermark = keys.orgWatermark(orgId);
  const found = [
    ...(await scanCache(`${keys.orgEvents(orgId).replace(/:events$/, "")}:*`)),
    ...(await scanCache(keys.eventRecord(orgId, "*"))),
  ].filter((key) => key !== watermark);
  // One key per command: on a cluster the keys share a slot, but a plain DEL per key is simplest and safe.
  for (const key of found) await redis.del(key);
  await redis.incr(watermark);
  hotWindows().invalidateOrg(orgId);
  // Other instances forget the organisation's windows too (an empty list: any patient).
  await patientsChanged(orgId, [], "archived");
  return found.length;
}
