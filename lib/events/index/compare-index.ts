import "server-only";
import { db } from "@/lib/db/client";
import { cacheRedis, scanCache } from "@/lib/redis/client";
import { keys, units } from "@/lib/redis/keys";
import { epochMs } from "../occurrence-json";
import { eventRef, eventTemplate, indexMember, orgFirstOccurrenceJoin, refToEventId } from "./members";

export interface IndexDifference {
  set: string;
  /** In Redis but not in Postgres: stale, reverted or resurrected. */
  extra: string[];
  /** In Postgres, inside a hydrated unit or written through, but not in Redis. */
  missing: string[];
}

export interface ExpectedIndex {
  /** Index set key -> the members Postgres says it holds, with their scores. */
  sets: Map<string, { start: number; member: string }[]>;
  /** Event ref -> the template the org's template hash should hold for it. */
  templates: Map<string, string>;
}

/** What an organisation's index should hold, from one read of all its occurrences (null: no such organisation). */
export async function expectedIndex(orgId: string): Promise<ExpectedIndex | null> {
  const sql = db().$sql;
  const [org] = await sql<{ time_zone: string }[]>`SELECT time_zone FROM organizations WHERE id = ${orgId}`;
  if (!org) return null;
  // The first occurrence's row carries its event's template.
  const rows = await sql<{ start_ms: string; member: string; patient_ids: string[]; ref: string; template: string | null }[]>`
    SELECT ${epochMs(sql, sql`o.start_at`)}::text AS start_ms, ${indexMember(sql, org.time_zone)} AS member, o.patient_ids,
           ${eventRef(sql, sql`o.event_id`)} AS ref,
           CASE WHEN o.original_start = f.original_start THEN ${eventTemplate(sql, org.time_zone)} END AS template
    FROM occurrences o ${orgFirstOccurrenceJoin(sql, orgId)} WHERE o.org_id = ${orgId}`;
  const expected: ExpectedIndex = { sets: new Map(), templates: new Map() };
  const add = (set: string, start: number, member: string) => {
    let list = expected.sets.get(set);
    if (!list) expected.sets.set(set, (list = []));
    list.push({ start, member });
  };
  for (const row of rows) {
    add(keys.orgEvents(orgId), Number(row.start_ms), row.member);
    for (const id of row.patient_ids) add(keys.patientEvents(orgId, id), Number(row.start_ms), row.member);
    if (row.template !== null) expected.templates.set(row.ref, row.template);
  }
  return expected;
}

/**
 * Compares an organisation's index sets and template hash with Postgres: every member Redis holds must be
 * what Postgres says now, every hydrated unit must hold all of Postgres' occurrences in it, and every
 * template held must be its event's current one. Empty when equal.
 */
export async function compareIndex(orgId: string, unitMs: { org: number; patient: number }): Promise<IndexDifference[]> {
  const expected = await expectedIndex(orgId);
  if (!expected) return [];
  const differences: IndexDifference[] = [];
  const redis = cacheRedis();
  const sets = new Set([...expected.sets.keys()]);
  for (const key of await scanCache(`${keys.patientEventsPrefix(orgId)}*:events`)) sets.add(key);
  sets.add(keys.orgEvents(orgId));
  for (const set of sets) {
    const unit = set === keys.orgEvents(orgId) ? unitMs.org : unitMs.patient;
    const difference = setDifference(set, await redis.zrange(set, "0", "-1"), expected.sets.get(set) ?? [], unit);
    if (difference) differences.push(difference);
  }
  const templates = templateDifference(keys.orgTemplates(orgId), await redis.hgetall(keys.orgTemplates(orgId)), expected.templates);
  if (templates) differences.push(templates);
  return differences;
}

/**
 * The template hash against Postgres: templates of events Postgres does not have, or not as they are
 * now, are extra (listed as "<event id> template"). A missing one is not a difference: a read that meets a
 * member without its template rebuilds it, as it rebuilds an evicted unit.
 */
export function templateDifference(key: string, held: Record<string, string>, want: Map<string, string>): IndexDifference | null {
  const extra = Object.entries(held)
    .filter(([ref, template]) => want.get(ref) !== template)
    .map(([ref]) => `${refToEventId(ref)} template`);
  return extra.length ? { set: key, extra, missing: [] } : null;
}

/**
 * One index set against what Postgres says it should hold: members it should not have, and members it
 * lacks within the units it marks hydrated ("~<unit>" sentinels; other units may rightly be empty).
 */
export function setDifference(set: string, held: string[], want: { start: number; member: string }[], unitMs: number): IndexDifference | null {
  const hydrated = new Set(held.filter((m) => m.startsWith("~")).map((m) => Number(m.slice(1))));
  const members = new Set(held.filter((m) => !m.startsWith("~")));
  const wanted = new Set(want.map((w) => w.member));
  const extra = [...members].filter((m) => !wanted.has(m));
  const missing = want.filter((w) => hydrated.has(Math.floor(w.start / unitMs)) && !members.has(w.member)).map((w) => w.member);
  return extra.length || missing.length ? { set, extra, missing } : null;
}

/** Drops every index key of an organisation (a cold cache for it, without touching anyone else's keys). */
export async function dropIndex(orgId: string): Promise<void> {
  const patterns = [`${keys.orgEvents(orgId).replace(/:events$/, "")}:*`, `${keys.eventRecord(orgId, "*")}`];
  for (const pattern of patterns) {
    const found = await scanCache(pattern);
    // One organisation's keys share its hash tag (one cluster slot): a DEL per batch works on a cluster.
    for (let i = 0; i < found.length; i += 500) await cacheRedis().del(...found.slice(i, i + 500));
  }
}

export interface RecordDifference {
  key: string;
  eventId: string;
  problem:
    | "orphan" // a live record for an event Postgres does not have (and no tombstone)
    | "tombstone_for_live_event" // would refuse every write-through of the event
    | "revision_ahead" // newer than Postgres: would refuse every write-through of the event
    | "revision_behind" // older than Postgres with no outbox row left to bring it up
    | "occurrences_differ"; // a later write-through would remove the wrong members
  /** What the record holds, so a repair can remove its members: [[startMs, [patientId…]]…]. */
  held: [number, string[]][];
  /** The record's revision. */
  revision: number;
}

const occurrenceKey = ([start, patientIds]: [number, string[]]) => `${start}|${[...patientIds].sort().join(",")}`;

/**
 * Compares an organisation's event records (`events:{org}:<id>`: revision, tombstone, occurrences held)
 * with Postgres. A missing record is fine (it expires; the outbox carries what a write-through needs);
 * a wrong one is not: it makes the write-through skip newer changes or remove the wrong members.
 */
export async function compareRecords(orgId: string): Promise<RecordDifference[]> {
  const sql = db().$sql;
  const events = await sql<{ id: string; revision: number; occurrences: [number, string[]][] | null; pending: boolean }[]>`
    SELECT e.id, e.revision,
           (SELECT json_agg(json_build_array(${epochMs(sql, sql`o.start_at`)}, o.patient_ids))
              FROM occurrences o WHERE o.event_id = e.id) AS occurrences,
           EXISTS (SELECT 1 FROM index_outbox x WHERE x.event_id = e.id) AS pending
    FROM events e WHERE e.org_id = ${orgId}`;
  const byId = new Map(events.map((e) => [e.id, e]));
  const prefix = keys.eventRecord(orgId, "");
  const differences: RecordDifference[] = [];
  const found = await scanCache(keys.eventRecord(orgId, "*"));
  const records: Record<string, string>[] = [];
  for (let i = 0; i < found.length; i += 500) {
    const pipeline = found.slice(i, i + 500).reduce((p, key) => p.hgetall(key), cacheRedis().pipeline());
    for (const [error, value] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      records.push(value as Record<string, string>);
    }
  }
  for (const [i, key] of found.entries()) {
    const eventId = key.slice(prefix.length);
    const record = records[i]!;
    if (Object.keys(record).length === 0) continue; // expired between SCAN and HGETALL
    const revision = Number(record.r ?? 0);
    const held = record.m ? (JSON.parse(record.m) as [number, string[]][]) : [];
    const event = byId.get(eventId);
    const differ = (problem: RecordDifference["problem"]) => differences.push({ key, eventId, problem, held, revision });
    if (!event) {
      if (record.d !== "1") differ("orphan");
      continue;
    }
    if (record.d === "1") differ("tombstone_for_live_event");
    else if (revision > event.revision) differ("revision_ahead");
    else if (revision < event.revision) {
      if (!event.pending) differ("revision_behind");
    } else {
      const want = new Set((event.occurrences ?? []).map((o) => occurrenceKey([Number(o[0]), o[1]])));
      const got = new Set(held.map(occurrenceKey));
      if (want.size !== got.size || [...want].some((k) => !got.has(k))) differ("occurrences_differ");
    }
  }
  return differences;
}

/** Every difference of one organisation's index from Postgres (empty when equal). */
export interface WholeIndexDifferences {
  sets: IndexDifference[];
  records: RecordDifference[];
  /** The look-back key (longest occurrence) below what Postgres says: window reads would miss long ones. */
  lookback: { key: string; held: number; postgres: number }[];
}

const DEFAULT_UNITS = { org: units.orgMs, patient: units.patientMs };

/**
 * The whole index of an organisation against Postgres: its sorted sets (compareIndex), its event
 * records (compareRecords) and its organisation keys. The test helper behind every consistency check
 * (and `indexDifferences` flattens it for `expect(...).toEqual([])`).
 */
export async function compareWholeIndex(orgId: string, unitMs = DEFAULT_UNITS): Promise<WholeIndexDifferences> {
  const [sets, records] = await Promise.all([compareIndex(orgId, unitMs), compareRecords(orgId)]);
  const lookback: WholeIndexDifferences["lookback"] = [];
  const held = await cacheRedis().get(keys.orgMaxDuration(orgId));
  if (held !== null) {
    const [org] = await db().$sql<{ max_ms: string }[]>`SELECT max_occurrence_ms::text AS max_ms FROM organizations WHERE id = ${orgId}`;
    if (org && Number(held) < Number(org.max_ms)) lookback.push({ key: keys.orgMaxDuration(orgId), held: Number(held), postgres: Number(org.max_ms) });
  }
  return { sets, records, lookback };
}

/** compareWholeIndex as one list of readable lines (empty when the index equals Postgres). */
export async function indexDifferences(orgId: string): Promise<string[]> {
  const { sets, records, lookback } = await compareWholeIndex(orgId);
  return [
    ...sets.map((d) => `${d.set}: ${d.extra.length} extra, ${d.missing.length} missing (${[...d.extra, ...d.missing].slice(0, 2).join("; ")})`),
    ...records.map((d) => `${d.key}: ${d.problem} (revision ${d.revision})`),
    ...lookback.map((d) => `${d.key}: ${d.held} ms, Postgres says ${d.postgres} ms`),
  ];
}

export interface IndexReport {
  organizations: number;
  /** Outbox rows not yet applied (the index is not expected to equal Postgres while there are any). */
  pendingOutbox: number;
  differences: { orgId: string; lines: string[] }[];
  /** Keys of organisations Postgres no longer has. */
  orphanKeys: string[];
}

/**
 * Every organisation's index against Postgres, and the keys of organisations Postgres no longer has.
 * `onProgress` hears about each organisation (long runs print progress).
 */
export async function compareAllIndexes(onProgress?: (done: number, total: number) => void): Promise<IndexReport> {
  const sql = db().$sql;
  const orgs = (await sql<{ id: string }[]>`SELECT id FROM organizations ORDER BY id`).map((o) => o.id);
  const known = new Set(orgs);
  const [pending] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM index_outbox`;
  const report: IndexReport = { organizations: orgs.length, pendingOutbox: pending?.n ?? 0, differences: [], orphanKeys: [] };
  for (const [i, orgId] of orgs.entries()) {
    const lines = await indexDifferences(orgId);
    if (lines.length) report.differences.push({ orgId, lines });
    onProgress?.(i + 1, orgs.length);
  }
  for (const pattern of [keys.orgEvents("*").replace(/:events$/, ":*"), keys.eventRecord("*", "*")]) {
    for (const key of await scanCache(pattern)) {
      const orgId = /\{([^}]+)\}/.exec(key)?.[1];
      if (orgId && !known.has(orgId)) report.orphanKeys.push(key);
    }
  }
  return report;
}
