import { createEvent } from "@/lib/events/create-event";
import type { FeedOccurrence } from "@/lib/events/types";
import type { TestOrganization } from "@/lib/testing/test-organization";
import type { Client, Timed } from "./http";

/**
 * The calendar a fault scenario works on: series and single appointments a week or more ahead (inside
 * the materialised horizon, so reads need no Postgres work beyond the read itself), the read windows
 * staff open on it, and what every read must show once writes are acknowledged.
 */
const DAY = 86_400_000;

export interface Calendar {
  from: Date;
  seriesIds: string[];
  singleIds: string[];
  /** Query strings of the windows read in the scenario (organisation-wide and per patient). */
  windows: string[];
  /** The whole calendar, organisation-wide (five weeks). */
  everything: string;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** Midnight UTC, `days` from today. */
export const dayFromNow = (days: number) => new Date(Math.floor(Date.now() / DAY) * DAY + days * DAY);

export async function seedCalendar(org: TestOrganization, { series = 12, singles = 24, from = dayFromNow(8) } = {}): Promise<Calendar> {
  const actor = org.staff.actor;
  const patients = org.patients.map((p) => p.id);
  const seriesIds: string[] = [];
  for (let i = 0; i < series; i += 1) {
    const start = new Date(from.getTime() + (i % 7) * DAY + (8 + (i % 9)) * 3_600_000);
    const event = await createEvent(actor, {
      title: `Series ${i}`,
      start: iso(start),
      end: iso(new Date(start.getTime() + 45 * 60_000)),
      timeZone: org.timeZone,
      rrule: "FREQ=WEEKLY;COUNT=5",
      patientIds: [patients[i % patients.length]!, patients[(i + 1) % patients.length]!],
      allowConflicts: true,
    });
    seriesIds.push(event.id);
  }
  const singleIds: string[] = [];
  for (let i = 0; i < singles; i += 1) singleIds.push((await createEvent(actor, single(org, `Single ${i}`, i, from))).id);
  const windows = [
    ...[0, 7, 14].map((d) => `start=${iso(new Date(from.getTime() + d * DAY))}&end=${iso(new Date(from.getTime() + (d + 7) * DAY))}`),
    ...[1, 2, 3].map((d) => `start=${iso(new Date(from.getTime() + d * DAY))}&end=${iso(new Date(from.getTime() + (d + 1) * DAY))}`),
    ...patients.slice(0, 3).map((p) => `start=${iso(from)}&end=${iso(new Date(from.getTime() + 28 * DAY))}&patients=${p}`),
  ].map((q) => `${q}&timeZone=${encodeURIComponent(org.timeZone)}`);
  const zone = `&timeZone=${encodeURIComponent(org.timeZone)}`;
  const everything = `start=${iso(from)}&end=${iso(new Date(from.getTime() + 35 * DAY))}${zone}`;
  return { from, seriesIds, singleIds, windows, everything };
}

/** A single appointment for the i-th write of a scenario, spread over the calendar's first four weeks. */
export function single(org: TestOrganization, title: string, i: number, from: Date) {
  const start = new Date(from.getTime() + (i % 28) * DAY + (7 + (i % 11)) * 3_600_000 + (i % 4) * 900_000);
  return {
    title,
    start: iso(start),
    end: iso(new Date(start.getTime() + 30 * 60_000)),
    timeZone: org.timeZone,
    patientIds: [org.patients[i % org.patients.length]!.id],
    allowConflicts: true,
  };
}

/** What reads must show: events that must appear (with their title) and events that must not. */
export class Expectations {
  readonly titles = new Map<string, string>();
  readonly gone = new Set<string>();

  /** Problems in a feed body: deleted events served (resurrected), old titles served (stale). */
  check(body: FeedOccurrence[]): string[] {
    const problems: string[] = [];
    for (const o of body) {
      if (this.gone.has(o.eventId)) problems.push(`deleted event ${o.eventId} served`);
      const title = this.titles.get(o.eventId);
      if (title !== undefined && o.title !== title) problems.push(`stale title "${o.title}" for ${o.eventId} (now "${title}")`);
    }
    return problems;
  }

  /** Events that must be in an organisation-wide read of the whole calendar but are not. */
  missingFrom(body: FeedOccurrence[]): string[] {
    const seen = new Set(body.map((o) => o.eventId));
    return [...this.titles.keys()].filter((id) => !seen.has(id));
  }
}

export interface WriteLog {
  acknowledged: number;
  refused: number;
  results: Timed[];
}

/**
 * The writes staff make during a fault: new appointments, renames and deletions of single ones, each
 * recorded in `expect` only when acknowledged (2xx).
 */
export function writeTasks(client: Client, org: TestOrganization, calendar: Calendar, expect: Expectations, count: number, tag: string, log: WriteLog) {
  const tasks: (() => Promise<void>)[] = [];
  const record = (result: Timed) => {
    log.results.push(result);
    if (result.status >= 200 && result.status < 300) log.acknowledged += 1;
    else log.refused += 1;
    return result.status >= 200 && result.status < 300;
  };
  for (let i = 0; i < count; i += 1) {
    const kind = i % 3;
    if (kind === 0) {
      tasks.push(async () => {
        const title = `${tag} new ${i}`;
        const result = await client.request<{ id: string }>("POST", "/api/events", single(org, title, i + 3, calendar.from));
        if (record(result)) expect.titles.set(result.body.id, title);
      });
    } else if (kind === 1) {
      const id = calendar.singleIds.shift();
      if (!id) continue;
      tasks.push(async () => {
        const title = `${tag} renamed ${i}`;
        if (record(await client.request("PATCH", `/api/events/${id}`, { title }))) {
          expect.titles.set(id, title);
          calendar.singleIds.push(id);
        }
      });
    } else {
      const id = calendar.singleIds.shift();
      if (!id) continue;
      tasks.push(async () => {
        if (record(await client.request("DELETE", `/api/events/${id}`))) {
          expect.titles.delete(id);
          expect.gone.add(id);
        }
      });
    }
  }
  return tasks;
}

/** Reads every window once; returns the timed results and the problems found in their bodies. */
export function readTasks(client: Client, calendar: Calendar, expect: Expectations | null, problems: string[], results: Timed[], rounds = 1) {
  const tasks: (() => Promise<void>)[] = [];
  for (let r = 0; r < rounds; r += 1) {
    for (const window of calendar.windows) {
      tasks.push(async () => {
        const result = await client.request<FeedOccurrence[]>("GET", `/api/events?${window}`);
        results.push(result);
        if (result.status === 200 && expect) problems.push(...expect.check(result.body));
      });
    }
  }
  return tasks;
}
