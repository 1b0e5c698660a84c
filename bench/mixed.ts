/**
 * The mixed workload: 95% reads of the five views (random organisations, patients, cohorts and weeks of
 * the hot horizon) on one instance, 5% writes (creates, moves, recurring edits with every scope,
 * deletes) on another instance sharing the same Postgres and Redis, as behind a load balancer.
 */
import { Temporal } from "temporal-polyfill";
import { hostOf, send, type Session, type Target } from "./http";
import { percentiles, type Percentiles } from "./measure";

export interface MixedOrganization {
  id: string;
  timeZone: string;
  /** Monday of the anchor week (local date). */
  monday: string;
  /** Weight of this organisation in the traffic (its share of patients). */
  weight: number;
  staff: Session;
  patients: Session[];
  patientIds: string[];
  cohortIds: string[];
  /** Occurrences of generated series that writes may edit (each used once). */
  editable: { eventId: string; originalStart: string; start: Date; end: Date }[];
}

export interface MixedOptions {
  readPort: number;
  writePort: number;
  organizations: MixedOrganization[];
  durationMs: number;
  workers: number;
  writeShare: number;
  seed: number;
  say: (line: string) => void;
}

export interface MixedResult {
  seconds: number;
  reads: number;
  writes: number;
  readLatency: Percentiles;
  writeLatency: Percentiles;
  readsByView: Record<string, number>;
  writesByKind: Record<string, number>;
  /** Non-2xx answers by "kind status". */
  failures: Record<string, number>;
}

/** A small seeded PRNG (mulberry32): the same run draws the same traffic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const addDays = (date: string, days: number) => Temporal.PlainDate.from(date).add({ days }).toString();
export const zoned = (date: string, time: string, timeZone: string) =>
  Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(timeZone).toString({ timeZoneName: "never" });

export function feedPath(params: Record<string, string>): string {
  return `/api/events?${new URLSearchParams(params).toString().replace(/%2C/g, ",")}`;
}

const READS: [string, number][] = [["personalMonth", 0.3], ["cohortWeek", 0.2], ["selectionWeek", 0.15], ["orgDay", 0.2], ["orgWeek", 0.15]];
const WRITES: [string, number][] = [
  ["createSingle", 0.25], ["createSeries", 0.1], ["moveThis", 0.25], ["editAll", 0.1], ["editFollowing", 0.1], ["deleteThis", 0.1], ["deleteCreated", 0.1],
];

function pick<T>(random: () => number, items: [T, number][]): T {
  let r = random() * items.reduce((s, [, w]) => s + w, 0);
  for (const [item, weight] of items) {
    r -= weight;
    if (r <= 0) return item;
  }
  return items[items.length - 1]![0];
}

export async function runMixed(options: MixedOptions): Promise<MixedResult> {
  const random = prng(options.seed);
  const orgs = options.organizations;
  const created: { org: MixedOrganization; id: string; recurring: boolean }[] = [];
  const readLatencies: number[] = [];
  const writeLatencies: number[] = [];
  const readsByView: Record<string, number> = {};
  const writesByKind: Record<string, number> = {};
  const failures: Record<string, number> = {};
  const chooseOrg = () => pick(random, orgs.map((o) => [o, o.weight] as [MixedOrganization, number]));
  const any = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;

  const readTarget = (): { view: string; target: Target } => {
    const org = chooseOrg();
    const view = pick(random, READS);
    const week = addDays(org.monday, 7 * (Math.floor(random() * 5) - 1));
    const base = { timeZone: org.timeZone };
    const week7 = { start: `${week}T00:00:00`, end: `${addDays(week, 7)}T00:00:00`, ...base };
    let params: Record<string, string>;
    let session = org.staff;
    if (view === "personalMonth") {
      session = any(org.patients);
      params = { start: `${addDays(org.monday, -7)}T00:00:00`, end: `${addDays(org.monday, 35)}T00:00:00`, ...base };
    } else if (view === "cohortWeek") params = { ...week7, cohort: any(org.cohortIds) };
    else if (view === "selectionWeek") {
      const ids = new Set<string>();
      while (ids.size < Math.min(100, org.patientIds.length)) ids.add(any(org.patientIds));
      params = { ...week7, patients: [...ids].join(",") };
    } else if (view === "orgDay") {
      const day = addDays(week, Math.floor(random() * 7));
      params = { start: `${day}T00:00:00`, end: `${addDays(day, 1)}T00:00:00`, ...base };
    } else params = week7;
    return { view, target: { port: options.readPort, path: feedPath(params), headers: { cookie: session.cookie } } };
  };

  const writeTarget = (): { kind: string; target: Target; after?: (status: number, body: Buffer) => void } | null => {
    const org = chooseOrg();
    let kind = pick(random, WRITES);
    if (kind === "deleteCreated" && created.length === 0) kind = "createSingle";
    if (["moveThis", "editAll", "editFollowing", "deleteThis"].includes(kind) && org.editable.length === 0) kind = "createSingle";
    const origin = `http://${hostOf(options.writePort)}`;
    const headers = { cookie: org.staff.cookie, origin, "content-type": "application/json" };
    const port = options.writePort;
    if (kind === "createSingle" || kind === "createSeries") {
      const day = addDays(org.monday, Math.floor(random() * 28));
      const hour = 7 + Math.floor(random() * 12);
      const start = zoned(day, `${String(hour).padStart(2, "0")}:10:00`, org.timeZone);
      const end = zoned(day, `${String(hour).padStart(2, "0")}:40:00`, org.timeZone);
      const body = {
        title: kind === "createSingle" ? "Bench appointment" : "Bench weekly appointment",
        start,
        end,
        timeZone: org.timeZone,
        patientIds: [any(org.patientIds)],
        allowConflicts: true,
        ...(kind === "createSeries" ? { rrule: "FREQ=WEEKLY;COUNT=10" } : {}),
      };
      return {
        kind,
        target: { port, method: "POST", path: "/api/events", headers, body: JSON.stringify(body) },
        after: (status, reply) => {
          if (status === 201) created.push({ org, id: (JSON.parse(reply.toString()) as { id: string }).id, recurring: kind === "createSeries" });
        },
      };
    }
    if (kind === "deleteCreated") {
      const victim = created.splice(Math.floor(random() * created.length), 1)[0]!;
      const query = victim.recurring ? "?scope=all" : "";
      return { kind, target: { port, method: "DELETE", path: `/api/events/${victim.id}${query}`, headers: { ...headers, cookie: victim.org.staff.cookie } } };
    }
    const occurrence = org.editable.pop()!;
    const occurrenceStart = occurrence.originalStart;
    const path = `/api/events/${occurrence.eventId}`;
    if (kind === "deleteThis") {
      return { kind, target: { port, method: "DELETE", path: `${path}?${new URLSearchParams({ scope: "this", occurrenceStart })}`, headers } };
    }
    const patch =
      kind === "moveThis"
        ? { scope: "this", occurrenceStart, start: new Date(occurrence.start.getTime() + 3_600_000).toISOString(), end: new Date(occurrence.end.getTime() + 3_600_000).toISOString(), allowConflicts: true }
        : kind === "editAll"
          ? { scope: "all", occurrenceStart, title: "Renamed by the bench" }
          : { scope: "following", occurrenceStart, title: "Changed from here on" };
    return { kind, target: { port, method: "PATCH", path, headers, body: JSON.stringify(patch) } };
  };

  const started = Date.now();
  const deadline = started + options.durationMs;
  let lastReport = started;
  const worker = async () => {
    while (Date.now() < deadline) {
      if (random() < options.writeShare) {
        const write = writeTarget();
        if (!write) continue;
        const reply = await send(write.target, true);
        writesByKind[write.kind] = (writesByKind[write.kind] ?? 0) + 1;
        if (reply.status >= 300) failures[`${write.kind} ${reply.status}`] = (failures[`${write.kind} ${reply.status}`] ?? 0) + 1;
        else writeLatencies.push(reply.ms);
        write.after?.(reply.status, reply.body);
      } else {
        const { view, target } = readTarget();
        const reply = await send(target, false);
        readsByView[view] = (readsByView[view] ?? 0) + 1;
        if (reply.status !== 200) failures[`${view} ${reply.status}`] = (failures[`${view} ${reply.status}`] ?? 0) + 1;
        else readLatencies.push(reply.ms);
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        options.say(`mixed: ${readLatencies.length} reads, ${writeLatencies.length} writes so far`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  const seconds = (Date.now() - started) / 1000;
  const count = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return {
    seconds,
    reads: count(readsByView),
    writes: count(writesByKind),
    readLatency: percentiles(readLatencies),
    writeLatency: percentiles(writeLatencies),
    readsByView,
    writesByKind,
    failures,
  };
}
