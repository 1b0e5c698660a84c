import "server-only";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The Prometheus instruments of the app, in one registry per process. Next.js bundles each route on its
 * own, so a module-level registry would exist once per route bundle and `/api/metrics` would see only
 * its own; the registry therefore lives on globalThis, like the database pool.
 *
 * Other modules record through the small functions below (cheap: a counter increment, no I/O), never
 * through prom-client directly, so label names and values stay in one place and cardinality stays low.
 */
export type ReadKind = "org" | "patients" | "own";
/** hot: this process's hot windows answered; hit: the Redis index answered at once; miss: it answered
 *  after rehydrating; fallback: it could not answer completely and Postgres did; error: Redis failed and
 *  Postgres did; bypass: the cache was not asked (CACHE_MODE=off, or a zone other than the organisation's). */
export type ReadResult = "hot" | "hit" | "miss" | "fallback" | "error" | "bypass";
export type Dependency = "postgres" | "redis_cache" | "redis_sessions";

function createInstruments() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "cohort_" });
  const r = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: "cohort_http_request_duration_seconds",
      help: "Latency of API requests by route pattern, method and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    }),
    cacheReads: new Counter({
      name: "cohort_cache_reads_total",
      help: "Feed reads by kind (org, patients, own) and how they were answered (hot, hit, miss, fallback, error, bypass)",
      labelNames: ["kind", "result"],
      registers: r,
    }),
    rehydrations: new Counter({
      name: "cohort_cache_rehydrations_total",
      help: "Index units rebuilt from Postgres: filled, discarded (a write-through raced it) or deferred (outbox pending)",
      labelNames: ["kind", "outcome"],
      registers: r,
    }),
    lockWaits: new Counter({
      name: "cohort_cache_lock_waits_total",
      help: "Reads that waited for another request's rebuild of the same unit: filled in time, or timed out",
      labelNames: ["kind", "outcome"],
      registers: r,
    }),
    lockWaitSeconds: new Histogram({
      name: "cohort_cache_lock_wait_seconds",
      help: "Time spent waiting for another request's rebuild",
      labelNames: ["kind"],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: r,
    }),
    writeThroughs: new Counter({
      name: "cohort_index_write_through_total",
      help: "Index write-throughs: applied, skipped (the index already held a newer revision) or failed (left to the reconciler)",
      labelNames: ["result"],
      registers: r,
    }),
    writeThroughLag: new Histogram({
      name: "cohort_index_write_through_lag_seconds",
      help: "From the Postgres commit (outbox row written) to the index holding the change",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 2.5, 5, 15, 60, 300],
      registers: r,
    }),
    outboxReplayed: new Counter({
      name: "cohort_index_outbox_replayed_total",
      help: "Events whose index work the background reconciler replayed from the outbox",
      registers: r,
    }),
    pgQueries: new Counter({
      name: "cohort_pg_queries_total",
      help: "Postgres statements issued, by whether an API request or server action issued them (request) or not (other: background work, page renders)",
      labelNames: ["context"],
      registers: r,
    }),
    requestPgQueries: new Counter({
      name: "cohort_http_pg_queries_total",
      help: "Postgres statements issued by API requests, by route pattern and method",
      labelNames: ["method", "route"],
      registers: r,
    }),
    requestsReadingOccurrences: new Counter({
      name: "cohort_http_requests_reading_occurrences_total",
      help: "API requests that sent at least one statement about occurrences to Postgres (cache misses, writes), by route pattern and method",
      labelNames: ["method", "route"],
      registers: r,
    }),
    dependencyErrors: new Counter({
      name: "cohort_dependency_errors_total",
      help: "Errors talking to Postgres or Redis, by kind (timeout, connection, other)",
      labelNames: ["dependency", "kind"],
      registers: r,
    }),
    rateLimitRefusals: new Counter({
      name: "cohort_rate_limit_refusals_total",
      help: "Requests refused with 429 by limiter",
      labelNames: ["limiter"],
      registers: r,
    }),
    horizonRuns: new Counter({
      name: "cohort_horizon_runs_total",
      help: "Horizon job runs: ran, skipped (another instance holds the lock), fenced (lost the lock mid-run), failed",
      labelNames: ["outcome"],
      registers: r,
    }),
    horizonExtended: new Counter({
      name: "cohort_horizon_series_extended_total",
      help: "Open-ended series the horizon job materialised further",
      registers: r,
    }),
  };
}

export type Instruments = ReturnType<typeof createInstruments>;
const globalForMetrics = globalThis as unknown as { cohortMetrics?: Instruments };

export function instruments(): Instruments {
  globalForMetrics.cohortMetrics ??= createInstruments();
  return globalForMetrics.cohortMetrics;
}

/** Listeners of feed read outcomes (the per-minute statistics of the System page). */
type ReadListener = (kind: ReadKind, result: ReadResult) => void;
const globalForListeners = globalThis as unknown as { cohortReadListeners?: Set<ReadListener> };
export const readListeners = (globalForListeners.cohortReadListeners ??= new Set<ReadListener>());

export function recordCacheRead(kind: ReadKind, result: ReadResult): void {
  instruments().cacheReads.inc({ kind, result });
  for (const listener of readListeners) listener(kind, result);
}

export function recordRehydration(kind: ReadKind, outcome: "filled" | "discarded" | "deferred", units = 1): void {
  if (units > 0) instruments().rehydrations.inc({ kind, outcome }, units);
}

export function recordLockWait(kind: ReadKind, outcome: "filled" | "timeout", seconds: number): void {
  instruments().lockWaits.inc({ kind, outcome });
  instruments().lockWaitSeconds.observe({ kind }, seconds);
}

export function recordWriteThrough(result: "applied" | "skipped" | "failed", lagSeconds?: number): void {
  instruments().writeThroughs.inc({ result });
  if (lagSeconds !== undefined && result !== "failed") instruments().writeThroughLag.observe(Math.max(0, lagSeconds));
}

export function recordOutboxReplayed(events: number): void {
  if (events > 0) instruments().outboxReplayed.inc(events);
}

export function recordRateLimitRefusal(limiter: string): void {
  instruments().rateLimitRefusals.inc({ limiter });
}

export function recordRequest(method: string, route: string, status: number, seconds: number): void {
  instruments().httpDuration.observe({ method, route, status: String(status) }, seconds);
}

/** One Postgres statement issued (lib/db/query-attribution). */
export function recordPgQuery(context: "request" | "other"): void {
  instruments().pgQueries.inc({ context });
}

/** What one API request sent to Postgres (lib/db/query-attribution's tally). */
export function recordRequestQueries(method: string, route: string, queries: number, occurrenceQueries: number): void {
  if (queries > 0) instruments().requestPgQueries.inc({ method, route }, queries);
  if (occurrenceQueries > 0) instruments().requestsReadingOccurrences.inc({ method, route });
}

const TIMEOUT = /timed? ?out|timeout|ETIMEDOUT|CONNECT_TIMEOUT/i;
const CONNECTION = /ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EHOSTUNREACH|Connection is closed|CONNECTION_(CLOSED|ENDED|DESTROYED)|Stream isn't writeable|enableOfflineQueue|57P0[13]/i;

/** Counts a failed call to a dependency, classified from the error's code and message. */
export function recordDependencyError(dependency: Dependency, error: unknown): void {
  const text = `${(error as { code?: unknown } | null)?.code ?? ""} ${error instanceof Error ? error.message : String(error)}`;
  const kind = TIMEOUT.test(text) ? "timeout" : CONNECTION.test(text) ? "connection" : "other";
  instruments().dependencyErrors.inc({ dependency, kind });
}
