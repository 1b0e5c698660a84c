import postgres from "postgres";
import type { FeedOccurrence } from "@/lib/events/types";
import { createTestOrganization } from "@/lib/testing/test-organization";
import { startApp } from "./app";
import { dayFromNow, seedCalendar, single } from "./calendar";
import type { PostgresServer } from "./database";
import { summarize, writeFigures, type RequestFigures } from "./figures";
import { Client, type Timed } from "./http";

/** Feed reads answered from Postgres, per server (pg_stat_statements: the feed query builds a string_agg). */
async function feedReads(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: string }[]>`SELECT coalesce(sum(calls), 0)::text AS n FROM pg_stat_statements WHERE query LIKE '%string_agg%'`;
    return Number(row!.n);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function onServer(url: string, statement: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Waits (bounded) until the replica has replayed what the primary has flushed. */
async function caughtUp(url: string, replicaUrl: string): Promise<void> {
  const primary = postgres(url, { max: 1, onnotice: () => {} });
  const replica = postgres(replicaUrl, { max: 1, onnotice: () => {} });
  try {
    for (let waited = 0; waited < 30_000; waited += 20) {
      const [p] = await primary<{ lsn: string }[]>`SELECT pg_current_wal_flush_lsn()::text AS lsn`;
      const [r] = await replica<{ ok: boolean }[]>`SELECT pg_last_wal_replay_lsn() >= ${p!.lsn}::pg_lsn AS ok`;
      if (r!.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error("the replica did not catch up within 30 s");
  } finally {
    await primary.end({ timeout: 5 });
    await replica.end({ timeout: 5 });
  }
}

interface Phase {
  name: string;
  reads: RequestFigures;
  /** Reads that missed a write acknowledged before they were sent (must be none). */
  stale: number;
  servedByReplica: number;
  servedByPrimary: number;
}

/**
 * A primary and a streaming replica (same Postgres major version, on loopback). Feed reads from Postgres
 * go to the replica when it has replayed everything the primary had flushed (read-your-writes holds),
 * to the primary when it lags (replay paused), and keep answering when either server is away.
 */
export async function runReplica(options: {
  primary: PostgresServer;
  replica: PostgresServer;
  url: string;
  replicaUrl: string;
  cacheUrl: string;
  sessionsUrl: string;
  appPort: number;
  prefix: string;
}) {
  const { primary, replica, url, replicaUrl } = options;
  const org = await createTestOrganization({ patients: 3 });
  const calendar = await seedCalendar(org, { series: 6, singles: 10 });
  // CACHE_MODE=off: every feed read is a Postgres read, the ones replicas exist for.
  const app = await startApp(options.appPort, {
    DATABASE_URL: url,
    DATABASE_REPLICA_URLS: replicaUrl,
    REDIS_URL: options.cacheUrl,
    SESSION_REDIS_URL: options.sessionsUrl,
    REDIS_KEY_PREFIX: options.prefix,
    CACHE_MODE: "off",
    API_RATE_LIMIT_PER_MINUTE: "1000000",
    DB_STATEMENT_TIMEOUT_MS: "3000",
  });
  try {
    const staff = new Client(app.url, app.url);
    await staff.login(org.staff.email, org.staff.password);
    if (!staff.signedIn) throw new Error(`sign-in failed:\n${app.output()}`);

    const phases: Phase[] = [];
    let n = 0;
    /** Writes, then at once reads the whole calendar: the write must be there (read-your-writes). */
    const writeThenRead = async (results: Timed[], write: boolean) => {
      let expected: string | undefined;
      if (write) {
        const created = await staff.request<{ id: string }>("POST", "/api/events", single(org, `replica ${n}`, n++, calendar.from));
        expected = created.status === 201 ? created.body.id : undefined;
      }
      const read = await staff.request<FeedOccurrence[]>("GET", `/api/events?${calendar.everything}`);
      results.push(read);
      return expected !== undefined && !(read.status === 200 && read.body.some((o) => o.eventId === expected)) ? 1 : 0;
    };
    const phase = async (name: string, rounds: number, write: boolean) => {
      const [replicaBefore, primaryBefore] = [await feedReads(replicaUrl).catch(() => 0), await feedReads(url).catch(() => 0)];
      const results: Timed[] = [];
      let stale = 0;
      for (let i = 0; i < rounds; i += 1) stale += await writeThenRead(results, write);
      const [replicaAfter, primaryAfter] = [await feedReads(replicaUrl).catch(() => replicaBefore), await feedReads(url).catch(() => primaryBefore)];
      phases.push({ name, reads: summarize(results), stale, servedByReplica: replicaAfter - replicaBefore, servedByPrimary: primaryAfter - primaryBefore });
    };

    await phase("replica streaming: write, then read at once", 20, true);
    await onServer(replicaUrl, "SELECT pg_wal_replay_pause()");
    await phase("replica replay paused (it lags): write, then read", 10, true);
    await onServer(replicaUrl, "SELECT pg_wal_replay_resume()");
    await caughtUp(url, replicaUrl);
    await phase("replay resumed: reads only", 10, false);
    await replica.stop("immediate");
    await phase("replica stopped: write, then read", 10, true);
    await replica.start();
    await primary.stop("fast");
    await phase("primary stopped: reads only (from the replica)", 10, false);
    await primary.start();

    const figures = { replicas: 1, phases, window: { from: dayFromNow(8).toISOString() } };
    writeFigures("replicas", figures);
    return figures;
  } finally {
    await app.stop();
  }
}
