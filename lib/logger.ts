import "server-only";
import pino from "pino";
import { env } from "@/lib/env";

const globalForLogger = globalThis as unknown as { cohortLogger?: pino.Logger };

export function logger(): pino.Logger {
  globalForLogger.cohortLogger ??= pino({
    level: env().LOG_LEVEL,
    base: { service: "cohort-calendar" },
    // Patient data never belongs in logs: drop the fields that could carry it if a caller slips.
    redact: { paths: ["title", "name", "description", "*.title", "*.name", "*.description", "password"], remove: true },
  });
  return globalForLogger.cohortLogger;
}
