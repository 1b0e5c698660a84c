import "server-only";
import { randomBytes } from "node:crypto";
import { MAX_OCCURRENCE_DAYS } from "@/lib/db/schema";
import { cacheRedis } from "@/lib/redis/client";
import { keys, ttl, units } from "@/lib/redis/keys";
import { withScripts } from "@/lib/redis/scripts";
import { recordCacheRead } from "@/lib/metrics/instruments"; // ops metrics
import type { ArchiveCutoffs } from "../archive-cutoffs";
import { hydrateTemplates, hydrateUnits, primeLookback, type MissingUnit } from "./hydrate";
import { joinFeed } from "./join-feed";

const UNKNOWN_LOOKBACK_MS = MAX_OCCURRENCE_DAYS * 86_400_000;
const ATTEMPTS = 4;

export interface IndexScope {
  orgId: string;
  /** Undefined: the whole organisation. */
  patientIds?: string[];
  /** A patient's own feed: members that do not name this patient are dropped, whatever a set holds. */
  ownPatientId?: string;
  /**
   * Archived patients whose future the view leaves out (lib/events/archive-cutoffs.ts): with patientIds,
   * their sets are read only up to their cut-off; for the organisation, occurrences all of whose
   * patients are archived at or before their start are dropped.
   */
  archived?: ArchiveCutoffs;
}

/**
 * The feed body for [start, end) from the Redis index (times in the organisation's zone), or null when
 * the index cannot answer completely (cold and not rebuilt in time): the caller then reads Postgres.
 * A hit is one script call returning three texts (members, their event refs, the events' templates):
 * no per-event replies; the body is joined here by concatenation, without JSON parsing.
 */
export async function readFromIndex(scope: IndexScope, start: Date, end: Date): Promise<Buffer | null> {
  if (scope.patientIds?.length === 0) return Buffer.from("[]");
  const kind = scope.ownPatientId ? "own" : scope.patientIds ? "patients" : "org"; // ops metrics
  const window = readWindow(scope, start, end);
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const reply = await window.read();
    if (reply[0] === 1) {
      recordCacheRead(kind, attempt === 0 ? "hit" : "miss"); // ops metrics
      const [members, refs, templates] = reply.slice(1) as Buffer[];
      return joinFeed(members!, refs!, templates!, start.getTime(), scope.ownPatientId, scope.patientIds ? undefined : scope.archived);
    }
    if (attempt === ATTEMPTS - 1) break;
    if (reply[0] === 2) {
      await hydrateTemplates(scope.orgId, reply.slice(1).map(String));
      continue;
    }
    if (reply[1] !== 1) {
      // Without the look-back every read would need a month of units: learn it, then ask again.
      await primeLookback(scope.orgId);
      continue;
    }
    const missing: MissingUnit[] = reply.slice(2).map((entry) => {
      const [set, unit] = String(entry).split(":");
      const index = Number(set) - 1;
      return { setKey: window.setKeys[index]!, patientId: scope.patientIds?.[index], unit: Number(unit) };
    });
    await hydrateUnits(scope.orgId, window.unitMs, missing, randomBytes(8).toString("hex"));
  }
  recordCacheRead(kind, "fallback"); // ops metrics
  return null;
}

/** Whether the index holds the whole window now, without rebuilding anything (for checks and tests). */
export async function indexHoldsWindow(scope: IndexScope, start: Date, end: Date): Promise<boolean> {
  if (scope.patientIds?.length === 0) return true;
  return (await readWindow(scope, start, end).read())[0] === 1;
}

/**
 * One call of read-window.lua: [1, members, refs, templates] when the index holds the window, else what
 * is missing ([2, refs…]: templates; [0, lookback known, "set:unit"…]: units).
 */
function readWindow(scope: IndexScope, start: Date, end: Date) {
  const redis = withScripts(cacheRedis());
  const setKeys = scope.patientIds
    ? scope.patientIds.map((id) => keys.patientEvents(scope.orgId, id))
    : [keys.orgEvents(scope.orgId)];
  const unitMs = scope.patientIds ? units.patientMs : units.orgMs;
  const cutoffs = scope.patientIds ? setCutoffs(scope.patientIds, scope.archived) : [0];
  const read = async () =>
    (await redis.readWindowBuffer(
      2 + setKeys.length,
      keys.orgMaxDuration(scope.orgId),
      keys.orgTemplates(scope.orgId),
      ...setKeys,
      start.getTime(),
      end.getTime(),
      unitMs,
      UNKNOWN_LOOKBACK_MS,
      ttl.indexSetSeconds(),
      ...cutoffs,
    )) as [number, ...(Buffer | number)[]];
  return { setKeys, unitMs, read };
}

/** read-window.lua's cut-off arguments: n, then (set number, cut-off) pairs of archived patients' sets. */
function setCutoffs(patientIds: string[], archived: ArchiveCutoffs | undefined): (string | number)[] {
  const pairs = patientIds.flatMap((id, i) => {
    const at = archived?.get(id);
    return at === undefined ? [] : [i + 1, at];
  });
  return [pairs.length / 2, ...pairs];
}
