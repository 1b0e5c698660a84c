import "server-only";
import { db, replicaDatabases, type Database } from "@/lib/db/client";
import { env } from "@/lib/env";
import { causeCode } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { withDeadline } from "./deadline";

/**
 * Reads that must not be stale (the feed from Postgres, index rebuilds) may still go to a replica: one
 * that has replayed at least the primary's flushed WAL position. Every transaction committed before the
 * read started has its commit record at or below that position, so such a replica answers with
 * everything the primary would (read-your-writes across instances, no stale rebuild of the index).
 * A replica that lags goes unused for that read: the primary answers. When the primary itself is away,
 * reads go to any replica (nothing can be committed meanwhile, so they are as fresh as it gets).
 */
interface Counts {
  replica: number;
  primary: number;
  /** Reads the primary answered because every replica lagged behind it. */
  lagging: number;
  /** Reads a replica answered while the primary was away. */
  primaryAway: number;
}
interface FreshReadState {
  counts: Counts;
  /** The highest LSN each replica is known to have replayed (so a quiet system asks once). */
  replayed: Map<Database, bigint>;
  next: number;
}
const REPLAY_POLL_MS = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const globalForFresh = globalThis as unknown as { cohortFreshRead?: FreshReadState };
const state = (): FreshReadState =>
  (globalForFresh.cohortFreshRead ??= { counts: { replica: 0, primary: 0, lagging: 0, primaryAway: 0 }, replayed: new Map(), next: 0 });

/** "16/B374D848" as a number. */
export function parseLsn(lsn: string): bigint {
  const [high, low] = lsn.split("/");
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

const CONNECTION_FAILURES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "57P01", "57P03"]);
const isConnectionFailure = (error: unknown) => CONNECTION_FAILURES.has(String(causeCode(error)));

/** A database to read from that has every commit made before this call: a caught-up replica, else the primary. */
export async function freshReader(): Promise<Database> {
  const replicas = replicaDatabases();
  const s = state();
  if (replicas.length === 0) {
    s.counts.primary += 1;
    return db();
  }
  const start = s.next++ % replicas.length;
  const order = replicas.map((_, i) => replicas[(start + i) % replicas.length]!);

  let target: bigint;
  try {
    const [row] = await db().$sql<{ lsn: string }[]>`SELECT pg_current_wal_flush_lsn()::text AS lsn`;
    target = parseLsn(row!.lsn);
  } catch (error) {
    if (!isConnectionFailure(error)) throw error;
    s.counts.primaryAway += 1;
    return order[0]!;
  }

  // A replica that is a few milliseconds behind usually catches up at once: ask again briefly before
  // sending the read to the primary (DATABASE_REPLICA_WAIT_MS; 0 asks once).
  const deadline = Date.now() + env().DATABASE_REPLICA_WAIT_MS;
  const reachable = new Set(order);
  for (let first = true; first || (Date.now() < deadline && reachable.size > 0); first = false) {
    if (!first) await sleep(REPLAY_POLL_MS);
    for (const replica of reachable) {
      if ((s.replayed.get(replica) ?? -1n) >= target) {
        s.counts.replica += 1;
        return replica;
      }
      try {
        // A separate statement before the read: the read's snapshot is then taken after this replay point.
        const [row] = await replica.$sql<{ lsn: string | null }[]>`SELECT pg_last_wal_replay_lsn()::text AS lsn`;
        // NULL: not in recovery (a promoted replica, or the primary listed as one): it has everything.
        const replayed = row?.lsn ? parseLsn(row.lsn) : target;
        s.replayed.set(replica, replayed);
        if (replayed >= target) {
          s.counts.replica += 1;
          return replica;
        }
      } catch (error) {
        reachable.delete(replica);
        logger().debug({ err: error }, "replica did not answer; trying the next one");
      }
    }
  }
  s.counts.lagging += 1;
  s.counts.primary += 1;
  return db();
}

/** Where fresh reads went since the process started (the reliability report and metrics read these). */
export function freshReadCounts(): Counts {
  return { ...state().counts };
}

/**
 * Runs a read on `freshReader()`; when the replica it picked fails to answer, forgets what it knew of
 * that replica and runs the read on the primary instead.
 */
export function freshRead<T>(read: (database: Database) => Promise<T>): Promise<T> {
  // Bounded: a Postgres that hangs gives a 503, not a request that never ends.
  return withDeadline(readWithFallback(read));
}

async function readWithFallback<T>(read: (database: Database) => Promise<T>): Promise<T> {
  const database = await freshReader();
  if (database === db()) return read(database);
  try {
    return await read(database);
  } catch (error) {
    if (!isConnectionFailure(error)) throw error;
    state().replayed.delete(database);
    logger().warn({ err: error }, "replica read failed; reading from the primary");
    return read(db());
  }
}
