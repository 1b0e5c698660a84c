import "server-only";
import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import { logger, withRequestContext } from "@/lib/logger";
import { recordRequest } from "@/lib/metrics/instruments";

/**
 * What `handle()` does for route handlers, for server actions: a request id on every log line of the
 * action, one access line (`route: "action:<name>"`, outcome, ms) and a latency observation. Actions
 * answer with a result object, so the "status" is what it amounts to: 200, the domain error's code, or 500.
 */
export function observeAction<T>(name: string, work: () => Promise<T>): Promise<T> {
  const requestId = randomUUID();
  return withRequestContext({ requestId }, async () => {
    const started = performance.now();
    let status = 200;
    try {
      const result = await work();
      const failed = (result as { ok?: unknown } | null)?.ok === false;
      if (failed) status = 400;
      return result;
    } catch (error) {
      status = error instanceof AppError ? 400 : 500;
      throw error;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      recordRequest("POST", `action:${name}`, status, seconds);
      logger().info({ method: "POST", route: `action:${name}`, status, ms: Math.round(seconds * 10_000) / 10 }, "request");
    }
  });
}
