import "server-only";
import type postgres from "postgres";
import { requestContext, type RequestContext } from "@/lib/logger";
import { recordPgQuery } from "@/lib/metrics/instruments";

/**
 * Attributes every Postgres statement to the API request or server action that issued it, or to other
 * work (audit consumer, reminder worker, reconciler, horizon job, page renders: whatever runs outside
 * `handle()` and `observeAction()`'s request context), so "Postgres queries per read" counts what reads
 * cost and nothing that merely shares their process. Counted where the statement is issued (the
 * caller's async context), not where the driver sends it: a statement queued behind a busy pool is sent
 * from another request's socket callback.
 */
export interface QueryTally {
  queries: number;
  /** Statements that read or write occurrences: a read that ran one was not answered by the cache. */
  occurrenceQueries: number;
}

const OCCURRENCES = /\b(occurrences|occurrence_patients)\b/;
const tallies = new WeakMap<RequestContext, QueryTally>();

/** What the current request (its `handle()` context) has sent to Postgres so far. */
export function requestQueryTally(context: RequestContext | undefined = requestContext()): QueryTally {
  if (!context) return { queries: 0, occurrenceQueries: 0 };
  return tallies.get(context) ?? { queries: 0, occurrenceQueries: 0 };
}

function note(text: string): void {
  const context = requestContext();
  recordPgQuery(context ? "request" : "other");
  if (!context) return;
  const tally = tallies.get(context) ?? { queries: 0, occurrenceQueries: 0 };
  tally.queries += 1;
  if (OCCURRENCES.test(text)) tally.occurrenceQueries += 1;
  tallies.set(context, tally);
}

type Sql = postgres.Sql<Record<string, unknown>>;
type Callback = (sql: Sql) => unknown;
const isTemplate = (value: unknown): value is TemplateStringsArray => Array.isArray(value) && "raw" in value;

/**
 * The driver's `sql`, counting: tagged-template statements, `unsafe` (drizzle's way in) and everything
 * inside `begin` / `savepoint` (their callbacks get a counting `sql` too). `sql(value)` helpers build
 * fragments, not statements, and are not counted.
 */
export function attributed<T extends Sql>(sql: T): T {
  return new Proxy(sql, {
    apply(target, self, args: unknown[]) {
      if (isTemplate(args[0])) note(args[0].join("$"));
      return Reflect.apply(target, self, args);
    },
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      if (property === "unsafe") {
        return (text: string, ...rest: unknown[]) => {
          note(text);
          return (value as (...a: unknown[]) => unknown).call(target, text, ...rest);
        };
      }
      if (property === "begin" || property === "savepoint") {
        return (...args: unknown[]) => {
          const last = args.length - 1;
          const callback = args[last] as Callback;
          args[last] = (inner: Sql) => callback(attributed(inner));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  });
}
