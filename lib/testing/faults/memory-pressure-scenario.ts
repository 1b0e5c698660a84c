import Redis from "ioredis";
import { indexDifferences } from "@/lib/events/index/compare-index";
import { feedQueryFromSearchParams } from "@/lib/events/feed-query";
import { readFromPostgres } from "@/lib/events/read-from-postgres";
import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { startApp } from "./app";
import { seedCalendar, single, type Calendar } from "./calendar";
import { waitForOutbox } from "./cache-outage-scenario";
import { runConcurrently, summarize, writeFigures } from "./figures";
import { Client, type Timed } from "./http";

async function redisInfo(url: string): Promise<Record<string, string>> {
  const redis = new Redis(url);
  try {
    const text = await redis.info();
    return Object.fromEntries(text.split("\r\n").filter((l) => l.includes(":")).map((l) => l.split(":", 2) as [string, string]));
  } finally {
    redis.disconnect();
  }
}

/** What Postgres answers for a window, parsed (the index must answer the same, byte for byte). */
async function truth(orgId: string, window: string): Promise<string> {
  const query = feedQueryFromSearchParams(new URLSearchParams(window));
  return (await readFromPostgres({ orgId, patientIds: query.patientIds }, query.start, query.end, query.timeZone)).toString();
}

/**
 * The cache runs with `maxmemory` and `allkeys-lru`, smaller than the index of the organisations read:
 * Redis evicts sets, records and organisation keys as reads go on. Every answer must equal Postgres'
 * (evicted keys are rebuilt, a set is never served partially), through rounds of writes as well.
 */
export async function runMemoryPressure(options: { cacheUrl: string; sessionsUrl: string; appPort: number; prefix: string; maxmemory: string }) {
  const orgs: { org: TestOrganization; calendar: Calendar; client?: Client }[] = [];
  for (let i = 0; i < 4; i += 1) {
    const org = await createTestOrganization({ patients: 6, timeZone: i % 2 ? "Europe/London" : "America/New_York" });
    orgs.push({ org, calendar: await seedCalendar(org, { series: 40, singles: 40 }) });
  }
  const app = await startApp(options.appPort, {
    REDIS_URL: options.cacheUrl,
    SESSION_REDIS_URL: options.sessionsUrl,
    REDIS_KEY_PREFIX: options.prefix,
    API_RATE_LIMIT_PER_MINUTE: "1000000",
  });
  try {
    for (const entry of orgs) {
      entry.client = new Client(app.url, app.url);
      await entry.client.login(entry.org.staff.email, entry.org.staff.password);
      if (!entry.client.signedIn) throw new Error(`sign-in failed:\n${app.output()}`);
    }
    const before = await redisInfo(options.cacheUrl);
    const results: Timed[] = [];
    const mismatches: string[] = [];
    let writes = 0;
    for (let round = 0; round < 4; round += 1) {
      const expected = new Map<string, string>();
      for (const { org, calendar } of orgs) {
        for (const window of [...calendar.windows, calendar.everything]) expected.set(`${org.id} ${window}`, await truth(org.id, window));
      }
      const tasks = orgs.flatMap(({ org, calendar, client }) =>
        [...calendar.windows, calendar.everything, ...calendar.windows].map((window) => async () => {
          const result = await client!.request("GET", `/api/events?${window}`);
          results.push(result);
          if (result.status === 200 && JSON.stringify(result.body) !== JSON.stringify(JSON.parse(expected.get(`${org.id} ${window}`)!))) {
            mismatches.push(`round ${round}, ${org.id}, ${window}`);
          }
        }),
      );
      // Organisations interleaved, so each one's keys keep getting pushed out by the others'.
      tasks.sort(() => Math.random() - 0.5);
      await runConcurrently(4, tasks);
      // Writes between rounds: the next round's answers must show them.
      for (const { org, calendar, client } of orgs) {
        const [renamed, deleted] = [calendar.singleIds.shift()!, calendar.singleIds.shift()!];
        const outcomes = [
          await client!.request("POST", "/api/events", single(org, `pressure ${round}`, round * 3, calendar.from)),
          await client!.request("PATCH", `/api/events/${renamed}`, { title: `pressure renamed ${round}` }),
          await client!.request("DELETE", `/api/events/${deleted}`),
        ];
        writes += outcomes.filter((o) => o.status >= 200 && o.status < 300).length;
        calendar.singleIds.push(renamed);
      }
      for (const { org } of orgs) await waitForOutbox(org.id);
    }
    const after = await redisInfo(options.cacheUrl);
    const differences = [];
    for (const { org } of orgs) differences.push(...(await indexDifferences(org.id)));
    const figures = {
      maxmemory: options.maxmemory,
      reads: summarize(results),
      mismatches,
      writesAcknowledged: writes,
      evictedKeys: Number(after.evicted_keys) - Number(before.evicted_keys ?? 0),
      keyspaceMisses: Number(after.keyspace_misses) - Number(before.keyspace_misses ?? 0),
      usedMemoryPeak: after.used_memory_peak_human,
      differences,
    };
    writeFigures("memory-pressure", figures);
    return figures;
  } finally {
    await app.stop();
  }
}
