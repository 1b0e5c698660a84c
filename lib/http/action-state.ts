import "server-only";
import { unstable_rethrow } from "next/navigation";
import { ZodError } from "zod";
import { AppError, describeZodError, outageOf } from "@/lib/errors";
import { logger } from "@/lib/logger";

/** What a form's server action answers (useActionState): a message to show, and the contract's error code. */
export type ActionState =
  | { status: "idle" }
  | { status: "ok"; message: string }
  | { status: "error"; code: string; message: string; retryAfterSeconds?: number };

export const IDLE: ActionState = { status: "idle" };

/**
 * Runs an action body and turns failures into a state the form shows (`role="alert"`), with the same codes
 * as the HTTP contract. Next's own control flow (redirect, notFound) passes through.
 */
export async function runAction(body: () => Promise<string>): Promise<ActionState> {
  try {
    return { status: "ok", message: await body() };
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof AppError) {
      const retry = error.details?.retryAfterSeconds;
      if (error.code === "unavailable") logger().warn({ err: { message: error.message } }, "action: dependency unavailable");
      return {
        status: "error",
        code: error.code,
        message: error.message,
        ...(typeof retry === "number" ? { retryAfterSeconds: retry } : {}),
      };
    }
    if (error instanceof ZodError) return { status: "error", code: "bad_request", message: describeZodError(error) };
    const outage = outageOf(error);
    if (outage) {
      logger().error({ err: error }, "action: dependency unavailable");
      const what = outage.dependency === "redis_cache" ? "Redis" : "The database";
      return { status: "error", code: "unavailable", message: `${what} is unavailable; try again shortly` };
    }
    logger().error({ err: error }, "action failed");
    return { status: "error", code: "internal", message: "Something went wrong on our side" };
  }
}
