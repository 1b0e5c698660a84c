import "server-only";
import { db } from "@/lib/db/client";
import { cacheRedis, scanCache } from "@/lib/redis/client";
import { keys, units } from "@/lib/redis/keys";
import { epochMs, occurrenceJson } from "../occurrence-json";

export interface IndexDifference {
  /** The Redis key that differs from Postgres. */
  key: string;
  kind: "set" | "record" | "organization";
  /** In Redis but not in Postgres: stale, reverted or resurrected (members, or what a record claims). */
  extra: string[];
  /** In Postgres (inside a hydrated unit, or written through) but not in Redis. */
  missing: string[];
}

export interface IndexReport {
  organizations: number;
  sets: number;
  records: number;
  /** Outbox rows not yet applied: the index is not expected to be equal while there are any. */
  pendingOutbox: number;
  differences: (IndexDifference & { orgId: string })[];
}

type UnitSizes = { org: number; patient: number };
const DEFAULT_UNITS: UnitSizes = { org: units.orgMs, patient: units.patientMs };

/**
 * Compares the whole index of an organisation with Postgres, and lists every difference (empty when
 * equal): every member of every sorted set must be what Postgres says now, every hydrated unit must hold
 * all of Postgres' occurrences in it, every event record must carry the event's revision and occurrences
 * (or be a tombstone of a deleted event), and the look-back must cover the longest occurrence.
 * Missing records and unhydrated units are fine: they are rebuilt on demand.
 */
export async function compareIndex(orgId: string, unitMs: UnitSizes = DEFAULT_UNITS): Promise<IndexDifference[]> {
  return (await compareOrganization(orgId, unitMs)).differences;
}

async function compareOrganization(orgId: string, unitMs: UnitSizes) {
  const sql = db().$sql;
  const [org] = await sql<{ time_zone: string; max_ms: string }[]>`
    SELECT time_zone, max_occurrence_ms::text AS max_ms FROM organizations WHERE id = ${orgId}`;
  const rows = org
    ? await sql<{ event_id: string; start_ms: string; member: string; patient_ids: string[] }[]>`
        SELECT o.event_id, ${epochMs(sql, sql`o.start_at`)}::text AS start_ms,
               lpad(${epochMs(sql, sql`o.end_at`)}::text, 13, '0') || '|' || ${occurrenceJson(sql, org.time_zone)} AS member,
               o.patient_ids
        FROM occurrences o WHERE o.org_id = ${orgId}`
    : [];
  const events = await sql<{ id: string; revision: number }[]>`SELECT id, revision FROM events WHERE org_id = ${orgId}`;

  const differences: IndexDifference[] = [];
  const sets = await compareSets(orgId, rows, unitMs, differences);
  const records = await compareRecords(orgId, rows, events, differences);

  const lookback = await cacheRedis().get(keys.orgMaxDuration(orgId));
  if (lookback !== null && org && Number(lookback) < Number(org.max_ms)) {
    differences.push({ key: keys.orgMaxDuration(orgId), kind: "organization", extra: [lookback], missing: [org.max_ms] });
  }
  return { differences, sets, records };
}

async function compareSets(
  orgId: string,
  rows: { start_ms: string; member: string; patient_ids: string[] }[],
  unitMs: UnitSizes,
  differences: IndexDifference[],
): Promise<number> {
  const expected = new Map<string, { start: number; member: string }[]>();
  const add = (set: string, start: number, member: string) => {
    const list = expected.get(set);
    if (list) list.push({ start, member });
    else expected.set(set, [{ start, member }]);
  };
  for (const row of rows) {
    add(keys.orgEvents(orgId), Number(row.start_ms), row.member);
    for (const id of row.patient_ids) add(keys.patientEvents(orgId, id), Number(row.start_ms), row.member);
  }

  const redis = cacheRedis();
  const sets = new Set([...expected.keys(), keys.orgEvents(orgId)]);
  for (const key of await scanCache(`${keys.patientEventsPrefix(orgId)}*:events`)) sets.add(key);
  let held = 0;
  for (const set of sets) {
    const unit = set === keys.orgEvents(orgId) ? unitMs.org : unitMs.patient;
    const members = await redis.zrange(set, "0", "-1");
    if (members.length > 0) held += 1;
    const hydrated = new Set(members.filter((m) => m.startsWith("~")).map((m) => Number(m.slice(1))));
    const present = new Set(members.filter((m) => !m.startsWith("~")));
    const want = expected.get(set) ?? [];
    const wanted = new Set(want.map((w) => w.member));
    const extra = [...present].filter((m) => !wanted.has(m));
    const missing = want.filter((w) => hydrated.has(Math.floor(w.start / unit)) && !present.has(w.member)).map((w) => w.member);
    if (extra.length || missing.length) differences.push({ key: set, kind: "set", extra, missing });
  }
  return held;
}

/** What a record's `m` field holds, normalised: "start:patient,patient" per occurrence, sorted. */
const describeOccurrences = (list: [number, string[]][]) => list.map(([start, ids]) => `${start}:${[...ids].sort().join(",")}`).sort();

async function compareRecords(
  orgId: string,
  rows: { event_id: string; start_ms: string; patient_ids: string[] }[],
  events: { id: string; revision: number }[],
  differences: IndexDifference[],
): Promise<number> {
  const occurrences = new Map<string, [number, string[]][]>();
  for (const row of rows) {
    const list = occurrences.get(row.event_id) ?? [];
    list.push([Number(row.start_ms), row.patient_ids]);
    occurrences.set(row.event_id, list);
  }
  const revisions = new Map(events.map((e) => [e.id, e.revision]));
  const recordKeys = await scanCache(keys.eventRecord(orgId, "*"));
  const prefix = keys.eventRecord(orgId, "");
  // All of an organisation's keys share its hash tag: one pipeline, one cluster slot.
  const pipeline = cacheRedis().pipeline();
  for (const key of recordKeys) pipeline.hgetall(key);
  const replies = recordKeys.length ? ((await pipeline.exec()) ?? []) : [];
  recordKeys.forEach((key, i) => {
    const [error, value] = replies[i] ?? [new Error("no reply"), null];
    if (error) throw error;
    const record = value as Record<string, string>;
    if (!record.r) return; // expired between SCAN and HGETALL
    const eventId = key.slice(prefix.length);
    const revision = revisions.get(eventId);
    if (revision === undefined) {
      if (record.d !== "1") differences.push({ key, kind: "record", extra: [`revision ${record.r} of a deleted event`], missing: [] });
      return;
    }
    if (record.d === "1") {
      differences.push({ key, kind: "record", extra: [`tombstone at revision ${record.r}`], missing: [`revision ${revision}`] });
      return;
    }
    const held = describeOccurrences(JSON.parse(record.m ?? "[]") as [number, string[]][]);
    const want = describeOccurrences(occurrences.get(eventId) ?? []);
    const extra = held.filter((h) => !want.includes(h));
    const missing = want.filter((w) => !held.includes(w));
    if (Number(record.r) !== revision) {
      extra.unshift(`revision ${record.r}`);
      missing.unshift(`revision ${revision}`);
    }
    if (extra.length || missing.length) differences.push({ key, kind: "record", extra, missing });
  });
  return recordKeys.length;
}

/** The organisations that have keys in the index (also those Postgres no longer has). */
async function indexedOrganizations(): Promise<Set<string>> {
  const found = new Set<string>();
  const tag = /\{([0-9a-f-]{36})\}/;
  for (const key of await scanCache(keys.orgEvents("*"))) {
    const match = tag.exec(key);
    if (match) found.add(match[1]!);
  }
  for (const key of await scanCache(keys.eventRecord("*", "*"))) {
    const match = tag.exec(key);
    if (match) found.add(match[1]!);
  }
  return found;
}

/**
 * The whole index against Postgres: every organisation Postgres has, and every organisation the index
 * still holds keys of. `onProgress` hears about each organisation (long runs print progress).
 */
export async function compareAllIndexes(
  { unitMs = DEFAULT_UNITS, onProgress }: { unitMs?: UnitSizes; onProgress?: (done: number, total: number) => void } = {},
): Promise<IndexReport> {
  const sql = db().$sql;
  const orgs = new Set((await sql<{ id: string }[]>`SELECT id FROM organizations ORDER BY id`).map((o) => o.id));
  for (const id of await indexedOrganizations()) orgs.add(id);
  const [pending] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM index_outbox`;
  const report: IndexReport = { organizations: orgs.size, sets: 0, records: 0, pendingOutbox: pending?.n ?? 0, differences: [] };
  let done = 0;
  for (const orgId of orgs) {
    const result = await compareOrganization(orgId, unitMs);
    report.sets += result.sets;
    report.records += result.records;
    report.differences.push(...result.differences.map((d) => ({ ...d, orgId })));
    onProgress?.((done += 1), orgs.size);
  }
  return report;
}

/** Drops every index key of an organisation (a cold cache for it, without touching anyone else's keys). */
export async function dropIndex(orgId: string): Promise<void> {
  const patterns = [`${keys.orgEvents(orgId).replace(/:events$/, "")}:*`, `${keys.eventRecord(orgId, "*")}`];
  for (const pattern of patterns) {
    const found = await scanCache(pattern);
    // Same hash tag, same slot: one DEL per batch works on a cluster too.
    for (let i = 0; i < found.length; i += 500) await cacheRedis().del(...found.slice(i, i + 500));
  }
}
