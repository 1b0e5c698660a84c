import type { ZodError, ZodType } from "zod";

/** The one error type the domain throws; `lib/http/respond.ts` maps codes to HTTP statuses. */
export type AppErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "version_conflict"
  | "scheduling_conflict"
  | "payload_too_large"
  | "rate_limited"
  | "unavailable";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new AppError("bad_request", message, details);
export const notFound = (what: string) => new AppError("not_found", `${what} not found`);
export const unauthorized = () => new AppError("unauthorized", "Sign in to continue");
export const payloadTooLarge = (message: string) => new AppError("payload_too_large", message);
export const forbidden = (message = "You are not allowed to do that") => new AppError("forbidden", message);

/** A validation failure as one readable sentence: "start: is required; timeZone: is not a known…". */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

export const invalidInput = (error: ZodError) => badRequest(describeZodError(error));

/** Parses input at a boundary; a failure is a 400 that says what is wrong. */
export function parseInput<T>(schema: ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  return parsed.data;
}

/**
 * The first string `code` along an error's `cause` chain: the driver's SQLSTATE or socket code under
 * drizzle's DrizzleQueryError ("Failed query: …", which has no code of its own), or the error's own.
 */
export function causeCode(error: unknown): string | undefined {
  let e = error as { code?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; e && typeof e === "object" && depth < 5; depth += 1) {
    if (typeof e.code === "string") return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

const CONNECTION_FAILURES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED",
  "57P01", "57P03", "57014", "REDIS_UNAVAILABLE",
]);

/** Which dependency an error says is away (a refused connection, a cancelled statement, an open breaker), if any. */
export function outageOf(error: unknown): { code: string; dependency: "postgres" | "redis_cache" } | null {
  const code = causeCode(error);
  if (code === undefined || !CONNECTION_FAILURES.has(code)) return null;
  return { code, dependency: code === "REDIS_UNAVAILABLE" ? "redis_cache" : "postgres" };
}

/** A unique constraint refused the write (Postgres SQLSTATE 23505), also under drizzle's wrapper. */
export const isUniqueViolation = (error: unknown) => causeCode(error) === "23505";
