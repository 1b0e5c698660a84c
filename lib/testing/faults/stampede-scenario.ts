import { compareAllIndexes } from "@/lib/events/index/compare-index";
import { readFromPostgres } from "@/lib/events/read-from-postgres";
import type { FeedOccurrence } from "@/lib/events/types";
import { createTestOrganization } from "@/lib/testing/test-organization";
import { startApp } from "./app";
import { dayFromNow, seedCalendar } from "./calendar";
import { resetStatements, statementCalls } from "./database";
import { summarize, writeFigures } from "./figures";
import { Client, type Timed } from "./http";
import { watchIndex } from "./monitor";

/** What the Postgres statements of a read are called (fragments of their text in pg_stat_statements). */
const STATEMENTS = {
  organizationRebuilds: "NULL AS patient_id",
  patientRebuilds: "SELECT op.patient_id",
  feedReadsFromPostgres: "string_agg",
  lookbackPrimes: "AS max_ms FROM organizations",
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The cache Redis restarts empty, then 50 requests for the same window arrive at once (twice: an
 * organisation's week, a patient's month). Postgres is asked to rebuild each index unit at most once:
 * counted by Postgres (pg_stat_statements) and by Redis (MONITOR: fills per set and unit).
 */
export async function runStampede(options: {
  url: string;
  cache: { url: string; restart: () => Promise<unknown> };
  sessionsUrl: string;
  appPort: number;
  prefix: string;
}) {
  const org = await createTestOrganization({ patients: 8 });
  const canary = await createTestOrganization({ patients: 1 });
  await seedCalendar(org, { series: 30, singles: 40 });
  const app = await startApp(options.appPort, {
    DATABASE_URL: options.url,
    REDIS_URL: options.cache.url,
    SESSION_REDIS_URL: options.sessionsUrl,
    REDIS_KEY_PREFIX: options.prefix,
    API_RATE_LIMIT_PER_MINUTE: "1000000",
  });
  let watch: Awaited<ReturnType<typeof watchIndex>> | undefined;
  try {
    const staff = new Client(app.url, app.url);
    await staff.login(org.staff.email, org.staff.password);
    const canaryStaff = new Client(app.url, app.url);
    await canaryStaff.login(canary.staff.email, canary.staff.password);
    if (!staff.signedIn || !canaryStaff.signedIn) throw new Error(`sign-in failed:\n${app.output()}`);

    const zone = `timeZone=${encodeURIComponent(org.timeZone)}`;
    const [from, to] = [dayFromNow(8), dayFromNow(15)];
    const bursts = [
      { name: "organisation week", query: `start=${from.toISOString()}&end=${to.toISOString()}&${zone}`, patientIds: undefined },
      {
        name: "patient month",
        query: `start=${from.toISOString()}&end=${dayFromNow(36).toISOString()}&patients=${org.patients[0]!.id}&${zone}`,
        patientIds: [org.patients[0]!.id],
        end: dayFromNow(36),
      },
    ];
    for (const burst of bursts) await staff.request("GET", `/api/events?${burst.query}`); // hydrated before the restart

    await options.cache.restart();
    // MONITOR shows every command the app sends: wait (bounded) until it reads the canary's window from
    // the index again, i.e. its breaker closed and its index recovery finished.
    watch = await watchIndex(options.cache.url);
    const watching = watch;
    const indexRead = () => watching.reads.some((args) => args.some((a) => a.includes(canary.id)));
    const canaryWindow = `start=${from.toISOString()}&end=${to.toISOString()}&timeZone=${encodeURIComponent(canary.timeZone)}`;
    for (let waited = 0; !indexRead(); waited += 100) {
      if (waited > 30_000) throw new Error("the app did not read from the index within 30 s of the cache's restart");
      await canaryStaff.request("GET", `/api/events?${canaryWindow}`);
      await sleep(100);
    }

    const figures = [];
    for (const burst of bursts) {
      await resetStatements(options.url);
      watch.fills.length = 0;
      const results: Timed<FeedOccurrence[]>[] = await Promise.all(
        Array.from({ length: 50 }, () => staff.request<FeedOccurrence[]>("GET", `/api/events?${burst.query}`)),
      );
      await sleep(200); // MONITOR lines arrive after the replies
      const calls = await statementCalls(options.url, STATEMENTS);
      const perKey = watch.perKey();
      const end = "end" in burst && burst.end ? burst.end : to;
      const truth = JSON.parse((await readFromPostgres({ orgId: org.id, patientIds: burst.patientIds }, from, end, org.timeZone)).toString()) as unknown;
      figures.push({
        name: burst.name,
        requests: summarize(results),
        occurrences: (truth as unknown[]).length,
        differentAnswers: results.filter((r) => JSON.stringify(r.body) !== JSON.stringify(truth)).length,
        unitsRebuilt: perKey.size,
        mostRebuildsOfOneUnit: Math.max(0, ...perKey.values()),
        postgres: calls,
      });
    }
    // The whole index of this database (every organisation), as the checker command sees it.
    const whole = await compareAllIndexes();
    writeFigures("stampede", { concurrentRequests: 50, bursts: figures, wholeIndex: whole });
    return { bursts: figures, wholeIndex: whole };
  } finally {
    watch?.stop();
    await app.stop();
  }
}
