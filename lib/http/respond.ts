import "server-only";
import { ZodError } from "zod";
import { AppError, describeZodError, outageOf, type AppErrorCode } from "@/lib/errors";
import { logger, requestIdFrom, withRequestContext } from "@/lib/logger";
import { requestQueryTally } from "@/lib/db/query-attribution";
import { recordDependencyError, recordRequest, recordRequestQueries } from "@/lib/metrics/instruments";

const statusOf: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  version_conflict: 409,
  scheduling_conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

const noStore = { "Cache-Control": "no-store" };

export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, { ...init, headers: { ...noStore, ...init.headers } });
}

/** A JSON body that is already serialised (concatenated from cached fragments): sent as is. */
export function rawJson(body: string | Buffer, init: ResponseInit = {}): Response {
  // A Buffer from Redis is sent as bytes: no UTF-8 decoding of a large body on the hot path.
  return new Response(typeof body === "string" ? body : (body as Uint8Array<ArrayBuffer>), {
    ...init,
    headers: { "Content-Type": "application/json; charset=utf-8", ...noStore, ...init.headers },
  });
}

/** Maps any error to the contract's `{"error":{"code","message"}}`; unexpected ones are logged, never echoed. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === "number") headers["Retry-After"] = String(Math.max(1, Math.ceil(retryAfter)));
    // Internal fields (the cause, the retry delay) go to the log and the headers, not into the body.
    const { cause, retryAfterSeconds, ...details } = error.details ?? {};
    void retryAfterSeconds;
    if (error.code === "unavailable") logger().warn({ err: { message: error.message, cause } }, "dependency unavailable");
    return json(
      { error: { code: error.code, message: error.message, ...(Object.keys(details).length ? details : {}) } },
      { status: statusOf[error.code], headers },
    );
  }
  if (error instanceof ZodError) {
    return json({ error: { code: "bad_request", message: describeZodError(error) } }, { status: 400 });
  }
  // Drizzle wraps the driver's error (DrizzleQueryError, the driver's error as `cause`): a refused
  // connection under it is as much an outage as one thrown by the driver itself.
  const outage = outageOf(error);
  if (outage) {
    const what = outage.dependency === "redis_cache" ? "Redis" : "The database";
    recordDependencyError(outage.dependency, error);
    logger().error({ err: error }, `${what} unavailable`);
    return json({ error: { code: "unavailable", message: `${what} is unavailable; try again shortly` } }, { status: 503 });
  }
  logger().error({ err: error }, "unhandled error");
  return json({ error: { code: "internal", message: "Something went wrong on our side" } }, { status: 500 });
}

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * Wraps a route handler: every failure leaves as a contract error; every request gets a request id (its
 * log lines carry it, the response returns it as `X-Request-Id`), one access log line and a latency
 * observation under its route pattern (never the raw path: ids and ICS tokens stay out of labels and logs).
 */
export function handle<C>(handler: Handler<C>): Handler<C> {
  return (request, context) => {
    const requestId = requestIdFrom(request.headers);
    const requestContext = { requestId };
    return withRequestContext(requestContext, async () => {
      const started = performance.now();
      let response: Response;
      try {
        response = await handler(request, context);
      } catch (error) {
        response = errorResponse(error);
      }
      const seconds = (performance.now() - started) / 1000;
      const route = await routePattern(request, context);
      recordRequest(request.method, route, response.status, seconds);
      const tally = requestQueryTally(requestContext);
      recordRequestQueries(request.method, route, tally.queries, tally.occurrenceQueries);
      logger().info({ method: request.method, route, status: response.status, ms: Math.round(seconds * 10_000) / 10 }, "request");
      try {
        response.headers.set("X-Request-Id", requestId);
      } catch {
        // Redirect responses have immutable headers; the id is still in the log.
      }
      return response;
    });
  };
}

/** "/api/events/[eventId]" for "/api/events/4f0c…": each dynamic segment named by its parameter. */
export async function routePattern(request: Request, context: unknown): Promise<string> {
  const segments = new URL(request.url).pathname.split("/");
  let params: Record<string, string | string[]> = {};
  try {
    params = ((await (context as { params?: unknown } | undefined)?.params) ?? {}) as Record<string, string | string[]>;
  } catch {
    // no parameters
  }
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) {
      const at = segments.indexOf(encodeURIComponent(value[0] ?? ""));
      if (at > 0) segments.splice(at, value.length, `[...${name}]`);
    } else {
      const at = segments.indexOf(encodeURIComponent(value));
      if (at > 0) segments[at] = `[${name}]`;
    }
  }
  return segments.join("/") || "/";
}
