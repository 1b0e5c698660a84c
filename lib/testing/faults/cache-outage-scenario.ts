import { inArray } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { events } from "@/lib/db/schema";
import { indexDifferences } from "@/lib/events/index/compare-index";
import { RedisUnavailableError } from "@/lib/redis/client";
import type { FeedOccurrence } from "@/lib/events/types";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { startApp, type AppServer } from "./app";
import { Expectations, readTasks, seedCalendar, writeTasks, type Calendar, type WriteLog } from "./calendar";
import { interleave, runConcurrently, summarize, writeFigures, type RequestFigures } from "./figures";
import { Client, type Timed } from "./http";

interface RedisHandle {
  stop: () => Promise<void>;
  restart: () => Promise<unknown>;
  pause: () => void;
  resume: () => void;
}

export interface FaultFigures {
  name: string;
  outage: { reads: RequestFigures; writes: RequestFigures; acknowledged: number };
  /** Reads right after the cache came back, while the index caught up. */
  returning: { reads: RequestFigures };
  afterwards: { reads: RequestFigures };
  catchUpMs: number;
  staleServed: string[];
  acknowledgedWrites: number;
  foundWrites: number;
  missingAfterwards: string[];
  differences: unknown[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) until the organisation's outbox is empty; returns how long that took. */
export async function waitForOutbox(orgId: string, limitMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    const [row] = await db().$sql<{ n: number }[]>`SELECT count(*)::int AS n FROM index_outbox WHERE org_id = ${orgId}`;
    if (row!.n === 0) return Date.now() - started;
    await sleep(50);
  }
  throw new Error(`the outbox of ${orgId} was not empty after ${limitMs} ms`);
}

/** Compares what acknowledged writes did with Postgres and with a full read through the app. */
export async function verifyWrites(client: Client, calendar: Calendar, expect: Expectations): Promise<{ found: number; problems: string[] }> {
  const problems: string[] = [];
  const ids = [...expect.titles.keys(), ...expect.gone];
  const rows = ids.length ? await db().select({ id: events.id, title: events.title }).from(events).where(inArray(events.id, ids)) : [];
  const stored = new Map(rows.map((r) => [r.id, r.title]));
  let found = 0;
  for (const [id, title] of expect.titles) {
    if (stored.get(id) === title) found += 1;
    else problems.push(`Postgres: ${id} should be titled "${title}", has ${JSON.stringify(stored.get(id) ?? null)}`);
  }
  for (const id of expect.gone) {
    if (!stored.has(id)) found += 1;
    else problems.push(`Postgres: deleted event ${id} still exists`);
  }
  const read = await client.request<FeedOccurrence[]>("GET", `/api/events?${calendar.everything}`);
  if (read.status !== 200) problems.push(`full read answered ${read.status}`);
  else {
    problems.push(...expect.check(read.body).map((p) => `app: ${p}`));
    problems.push(...expect.missingFrom(read.body).map((id) => `app: ${id} missing`));
  }
  return { found, problems };
}

async function signIn(app: AppServer, org: TestOrganization, origin = app.url): Promise<Client> {
  const client = new Client(app.url, origin);
  const login = await client.login(org.staff.email, org.staff.password);
  if (!client.signedIn) throw new Error(`login on ${app.url} failed (${login.status}): ${login.text}\n${app.output()}`);
  return client;
}

export async function runCacheOutage(options: {
  cache: RedisHandle & { url: string };
  /** Writer, reader and baseline (CACHE_MODE=off) instances. */
  appPorts: [number, number, number];
  prefix: string;
  sessionsUrl: string;
}) {
  const { cache } = options;
  const org = await createTestOrganization({ patients: 6 });
  const calendar = await seedCalendar(org);
  const env = {
    REDIS_URL: cache.url,
    SESSION_REDIS_URL: options.sessionsUrl,
    REDIS_KEY_PREFIX: options.prefix,
    API_RATE_LIMIT_PER_MINUTE: "1000000",
  };
  // Behind one load balancer: one public origin for all instances.
  const origin = `http://127.0.0.1:${options.appPorts[0]}`;
  const apps = [
    await startApp(options.appPorts[0], env, origin),
    await startApp(options.appPorts[1], env, origin),
    await startApp(options.appPorts[2], { ...env, CACHE_MODE: "off" }, origin),
  ];
  const [writerApp, readerApp, baselineApp] = apps as [AppServer, AppServer, AppServer];
  try {
    // Staff write on one instance and read on another with the same session, so what the reader serves
    // after the outage depends on what reached it through Redis, not on what it wrote itself.
    const staff = await signIn(writerApp, org, origin);
    const reader = staff.at(readerApp.url);
    const uncachedStaff = staff.at(baselineApp.url);
    const expect = new Expectations();

    // Before: hydrate the windows (and the reader's hot windows), then measure hits and the same reads
    // from Postgres (CACHE_MODE=off).
    await runConcurrently(4, readTasks(reader, calendar, null, [], [], 1));
    const hits: Timed[] = [];
    await runConcurrently(4, readTasks(reader, calendar, null, [], hits, 4));
    const uncached: Timed[] = [];
    await runConcurrently(4, readTasks(uncachedStaff, calendar, null, [], uncached, 4));

    const faults: FaultFigures[] = [];
    const run = async (name: string, breakIt: () => unknown, restore: () => Promise<unknown> | unknown) => {
      await breakIt();
      const reads: Timed[] = [];
      const log: WriteLog = { acknowledged: 0, refused: 0, results: [] };
      // Reads (reader) and writes (writer) interleaved, six in flight.
      await runConcurrently(6, interleave(readTasks(reader, calendar, null, [], reads, 4), writeTasks(staff, org, calendar, expect, 30, name, log)));

      await restore();
      const stale: string[] = [];
      const returning: Timed[] = [];
      const catchUp = waitForOutbox(org.id);
      await runConcurrently(4, interleave(readTasks(reader, calendar, expect, stale, returning, 4), readTasks(staff, calendar, expect, stale, returning, 2)));
      const catchUpMs = await catchUp;
      const after: Timed[] = [];
      await runConcurrently(4, interleave(readTasks(reader, calendar, expect, stale, after, 2), readTasks(staff, calendar, expect, stale, after, 1)));
      const verified = await verifyWrites(reader, calendar, expect);
      faults.push({
        name,
        outage: { reads: summarize(reads), writes: summarize(log.results), acknowledged: log.acknowledged },
        returning: { reads: summarize(returning) },
        afterwards: { reads: summarize(after) },
        catchUpMs,
        staleServed: [...new Set(stale)],
        acknowledgedWrites: expect.titles.size + expect.gone.size,
        foundWrites: verified.found,
        missingAfterwards: verified.problems,
        differences: await differencesOnceAnswering(org.id),
      });
    };

    await run("stopped", () => cache.stop(), () => cache.restart());
    await run("frozen", () => cache.pause(), () => cache.resume());

    const figures = { hits: summarize(hits), uncached: summarize(uncached), faults };
    writeFigures("cache-outage", figures);
    return figures;
  } finally {
    for (const app of apps) await app.stop();
  }
}

/**
 * The index compared with Postgres from this (the test's) process. Its own circuit breaker may still be
 * open from the outage just ended (it probes on its own schedule): wait for it to close, up to 15 s.
 */
async function differencesOnceAnswering(orgId: string): Promise<string[]> {
  for (let waited = 0; ; waited += 250) {
    try {
      return await indexDifferences(orgId);
    } catch (error) {
      if (!(error instanceof RedisUnavailableError) || waited >= 15_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
