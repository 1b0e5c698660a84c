import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino from "pino";
import { env } from "@/lib/env";

/**
 * Structured JSON logs (pino). Every line written while a request is handled carries that request's id:
 * `handle()` runs the handler inside `withRequestContext`, and the logger's mixin reads the context from
 * AsyncLocalStorage, so lib code deep in the call stack needs no logger passed down.
 *
 * No patient data in logs: never log titles, names or descriptions; the redaction below is the safety net
 * for a caller that slips (and for driver errors, whose `detail` can quote a row).
 */
export interface RequestContext {
  requestId: string;
  /** Set once the actor is known. Ids only, never names. */
  userId?: string;
  orgId?: string;
}

const globalForLogger = globalThis as unknown as {
  cohortLogger?: pino.Logger;
  cohortRequestContext?: AsyncLocalStorage<RequestContext>;
};

// One store per process, shared by every route bundle (each bundles its own copy of this module).
const storage = (globalForLogger.cohortRequestContext ??= new AsyncLocalStorage<RequestContext>());

export const REDACTED_PATHS = [
  "title",
  "name",
  "description",
  "location",
  "*.title",
  "*.name",
  "*.description",
  "*.location",
  "password",
  "*.password",
  "err.detail",
  "err.where",
  "err.parameters",
  "err.query",
  "err.cause.detail",
];

export function logger(): pino.Logger {
  globalForLogger.cohortLogger ??= pino(
    {
      level: env().LOG_LEVEL,
      base: { service: "cohort-calendar" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, remove: true },
      mixin() {
        const context = storage.getStore();
        return context ? { ...context } : {};
      },
    },
    env().LOG_FILE ? pino.destination({ dest: env().LOG_FILE, mkdir: true, sync: true }) : bufferedStdout(),
  );
  return globalForLogger.cohortLogger;
}

/**
 * Standard output, written in batches: a synchronous write per line (one per request, the access log)
 * was a system call on every request's path. Lines wait at most FLUSH_MS (or 4 KB), and are flushed when
 * the process exits; a crash can lose the last FLUSH_MS of lines (Node reports the crash itself on
 * stderr). LOG_FILE (the e2e suite's) stays synchronous: tests read it as soon as a request returns.
 */
const FLUSH_MS = 200;
function bufferedStdout(): pino.DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => destination.flush(), FLUSH_MS).unref();
  process.once("exit", () => destination.flushSync());
  return destination;
}

/** Runs `work` with a request context: every log line inside it carries the request id. */
export function withRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function requestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Notes the actor on the current request's log lines (ids only). */
export function setRequestActor(actor: { userId: string; orgId: string }): void {
  const context = storage.getStore();
  if (context) Object.assign(context, { userId: actor.userId, orgId: actor.orgId });
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The id a load balancer or proxy set (`X-Request-Id`) when it looks like one, else a new UUID. */
export function requestIdFrom(headers: Headers): string {
  const incoming = headers.get("x-request-id");
  return incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

/** For tests: forget the logger so the next call builds one with the current configuration. */
export function resetLogger(): void {
  globalForLogger.cohortLogger = undefined;
}
