import "server-only";
import { randomBytes } from "node:crypto";
import { MAX_OCCURRENCE_DAYS } from "@/lib/db/schema";
import { cacheRedis } from "@/lib/redis/client";
import { keys, ttl, units } from "@/lib/redis/keys";
import { withScripts } from "@/lib/redis/scripts";
import { recordCacheRead } from "@/lib/metrics/instruments"; // ops metrics
import { hydrateTemplates, hydrateUnits, primeLookback, type MissingUnit } from "./hydrate";
import { assemble, isFull, parseTemplate, SEP, TEMPLATE_SEP, type Template } from "./members";

const UNKNOWN_LOOKBACK_MS = MAX_OCCURRENCE_DAYS * 86_400_000;
const ATTEMPTS = 4;

export interface IndexScope {
  orgId: string;
  /** Undefined: the whole organisation. */
  patientIds?: string[];
  /** A patient's own feed: members that do not name this patient are dropped, whatever a set holds. */
  ownPatientId?: string;
}

/**
 * The feed body for [start, end) from the Redis index (times in the organisation's zone), or null when
 * the index cannot answer completely (cold and not rebuilt in time): the caller then reads Postgres.
 * A hit is one script call returning three texts (members, their event refs, the events' templates):
 * no per-event replies; the body is joined here by concatenation, without JSON parsing.
 */
export async function readFromIndex(scope: IndexScope, start: Date, end: Date): Promise<Buffer | null> {
  if (scope.patientIds?.length === 0) return Buffer.from("[]");
  const redis = withScripts(cacheRedis());
  const setKeys = scope.patientIds
    ? scope.patientIds.map((id) => keys.patientEvents(scope.orgId, id))
    : [keys.orgEvents(scope.orgId)];
  const unitMs = scope.patientIds ? units.patientMs : units.orgMs;
  const kind = scope.ownPatientId ? "own" : scope.patientIds ? "patients" : "org"; // ops metrics

  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const reply = (await redis.readWindowBuffer(
      2 + setKeys.length,
      keys.orgMaxDuration(scope.orgId),
      keys.orgTemplates(scope.orgId),
      ...setKeys,
      start.getTime(),
      end.getTime(),
      unitMs,
      UNKNOWN_LOOKBACK_MS,
      ttl.indexSetSeconds(),
    )) as [number, ...(Buffer | number)[]];
    if (reply[0] === 1) {
      recordCacheRead(kind, attempt === 0 ? "hit" : "miss"); // ops metrics
      const [members, refs, templates] = (reply.slice(1) as Buffer[]).map((b) => b.toString("utf8"));
      return Buffer.from(joinFeed(members!, refs!, templates!, start.getTime(), scope.ownPatientId));
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
      return { setKey: setKeys[index]!, patientId: scope.patientIds?.[index], unit: Number(unit) };
    });
    await hydrateUnits(scope.orgId, unitMs, missing, randomBytes(8).toString("hex"));
  }
  recordCacheRead(kind, "fallback"); // ops metrics
  return null;
}

interface Row {
  start: number;
  end: number;
  eventId: string;
  json: string;
}

// Only a key can read like this: inside a JSON string every quote is escaped.
const CANCELLED = '"status":"cancelled"';

/**
 * The feed body from a read-window reply, in the Postgres path's order (start, end, event id). A
 * patient's own feed never shows an occurrence that does not name them, whatever a set holds, nor a
 * cancelled one (staff see those struck through, patients not at all).
 */
export function joinFeed(members: string, refs: string, templates: string, startMs: number, ownPatientId?: string): string {
  if (members === "") return "[]";
  const byRef = new Map<string, Template | null>();
  if (refs !== "") {
    const texts = templates.split(TEMPLATE_SEP);
    refs.split(SEP).forEach((ref, i) => byRef.set(ref, parseTemplate(texts[i]!)));
  }
  const name = ownPatientId ? `"${ownPatientId}"` : null;
  const fields = members.split(SEP);
  const rows: Row[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const score = fields[i]!;
    const member = fields[i + 1]!;
    let row: Row;
    if (isFull(member)) {
      row = { start: Number(score), end: Number(member.slice(0, 13)), eventId: member.slice(21, 57), json: member.slice(14) };
    } else {
      const template = byRef.get(member.slice(0, 22));
      // A member of an event the organisation does not have (lib/events/index/members.ts, ABSENT).
      if (!template) continue;
      const start = Number(score);
      if (start + template.durationMs <= startMs) continue;
      row = { start, end: start + template.durationMs, eventId: template.eventId, json: assemble(template, member, score) };
    }
    if (name && (!row.json.includes(name) || row.json.includes(CANCELLED))) continue;
    rows.push(row);
  }
  // Redis orders ties by member bytes; Postgres by end, then event id.
  for (let i = 1; i < rows.length; i += 1) {
    if (rows[i]!.start === rows[i - 1]!.start) {
      rows.sort((a, b) => a.start - b.start || a.end - b.end || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
      break;
    }
  }
  let body = "[";
  for (let i = 0; i < rows.length; i += 1) body += (i ? "," : "") + rows[i]!.json;
  return body + "]";
}
