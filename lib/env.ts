import { z } from "zod";

/**
 * The only reader of process.env. Parsed lazily on first use so that `next build` (which imports route
 * modules without runtime configuration) does not need secrets; `instrumentation.ts` calls it at start-up
 * so a misconfigured server refuses to start instead of failing on its first request.
 */
const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATABASE_URL: z.url({ message: "DATABASE_URL must be a postgres:// URL" }),
    REDIS_URL: z.url({ message: "REDIS_URL must be a redis:// URL such as redis://127.0.0.1:6379" }),
    SESSION_REDIS_URL: z.url({ message: "SESSION_REDIS_URL must be a redis:// URL" }).optional(),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_-]*$/, "REDIS_KEY_PREFIX may hold letters, digits, ':', '_' and '-' only")
      .default(""),
    NEXTAUTH_SECRET: z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters"),
    NEXTAUTH_URL: z.url({ message: "NEXTAUTH_URL must be a URL such as http://localhost:3000" }).optional(),
    SEED_DEMO: z
      .enum(["0", "1", "true", "false", ""])
      .default("")
      .transform((v) => v === "1" || v === "true"),
    CACHE_MODE: z.enum(["on", "off"], { message: "CACHE_MODE must be on or off" }).default("on"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** `1` only under `npm run bench`: enables the benchmark's floor route (`/api/bench/floor`). */
    BENCH_MODE: z
      .enum(["0", "1", ""], { message: "BENCH_MODE must be 1 or unset" })
      .default("")
      .transform((v) => v === "1"),
  })
  .transform((raw) => {
    return {
      ...raw,
      SESSION_REDIS_URL: raw.SESSION_REDIS_URL ?? raw.REDIS_URL,
      NEXTAUTH_URL: raw.NEXTAUTH_URL ?? `http://localhost:${raw.PORT}`,
    };
  });

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join(".") || "config"}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${problems.join("\n")}\n(npm start sets these up for you; see README.md)`);
  }
  cached = parsed.data;
  return cached;
}

/** True while `next build` collects page data: no configuration is expected then. */
export function isBuildPhase(): boolean {
  return process.env.NEXT_PHASE === "phase-production-build";
}
