import { z } from "zod";

/**
 * The only reader of process.env. Parsed lazily on first use so that `next build` (which imports route
 * modules without runtime configuration) does not need secrets; `instrumentation.ts` calls it at start-up
 * so a misconfigured server refuses to start instead of failing on its first request.
 */
const flag = z
  .enum(["0", "1", "true", "false", ""])
  .default("")
  .transform((v) => v === "1" || v === "true");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATABASE_URL: z.url({ message: "DATABASE_URL must be a postgres:// URL" }),
    /** Streaming replicas for reads ("postgres://…,postgres://…"); writes and fresh reads stay on the primary. */
    DATABASE_REPLICA_URLS: z
      .string()
      .optional()
      .transform((v) => (v ?? "").split(",").map((u) => u.trim()).filter(Boolean))
      .pipe(z.array(z.url({ message: "DATABASE_REPLICA_URLS must list postgres:// URLs separated by commas" }))),
    /** How long a fresh read waits for a replica that lags a little before asking the primary (ms). */
    DATABASE_REPLICA_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(20),
    /** Postgres cancels a statement (and rolls back its transaction) after this long (ms); 0 disables. */
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    // Required unless REDIS_CLUSTER_NODES names the cache and SESSION_REDIS_URL the session store.
    REDIS_URL: z.url({ message: "REDIS_URL must be a redis:// URL such as redis://127.0.0.1:6379" }).optional(),
    /** A Redis Cluster for the cache and event index ("host:port,host:port,…"); replaces REDIS_URL there. */
    REDIS_CLUSTER_NODES: z
      .string()
      .optional()
      .transform((v) => (v ?? "").split(",").map((n) => n.trim()).filter(Boolean))
      .pipe(
        z.array(
          z.string().regex(/^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$/, "REDIS_CLUSTER_NODES must list host:port pairs separated by commas"),
        ),
      ),
    /** How long one Redis command may take before it counts as failed (ms). */
    REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** Consecutive connection failures or timeouts that open a Redis client's circuit breaker. */
    REDIS_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(3),
    /** While open, the breaker probes Redis this often (ms); the first answer closes it. */
    REDIS_BREAKER_PROBE_MS: z.coerce.number().int().min(50).max(60_000).default(500),
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
    /** Logs go to stdout unless this names a file (the e2e suite reads the server's log lines from it). */
    LOG_FILE: z.string().min(1).optional(),
    // Operations (README, "Running in production").
    METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must be at least 16 characters (a random secret)").optional(),
    CACHE_WARM_ON_START: flag,
    CACHE_WARM_DAYS_BACK: z.coerce.number().int().min(0).max(366).default(7),
    CACHE_WARM_DAYS_AHEAD: z.coerce.number().int().min(1).max(366).default(28),
    CACHE_WARM_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
    HORIZON_JOB: z.enum(["on", "off"], { message: "HORIZON_JOB must be on or off" }).default("on"),
    HORIZON_JOB_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
    // Connection pools and timeouts, used by lib/connections.ts (the one place that sets them).
    DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
    DB_CONNECT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(5),
    DB_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    DATABASE_CA_FILE: z.string().min(1).optional(),
    REDIS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
    REDIS_CA_FILE: z.string().min(1).optional(),
    /** REDIS_CLUSTER_NODES lists host:port only: TLS and credentials of the cluster's nodes come from these. */
    REDIS_CLUSTER_TLS: flag,
    REDIS_CLUSTER_USERNAME: z.string().min(1).optional(),
    REDIS_CLUSTER_PASSWORD: z.string().min(1).optional(),
    // Sessions (fractions allowed so tests can use seconds: 0.05 minutes = 3 s).
    SESSION_IDLE_MINUTES: z.coerce.number().positive().max(24 * 60).default(30),
    SESSION_ABSOLUTE_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
    // Rate limits (Redis, rate-limiter-flexible).
    LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
    LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(100),
    LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
    /** Proxies in front of the app that append to X-Forwarded-For; the client is that many entries from the end. */
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
    // Audit trail: the in-process consumer that moves the Redis stream into Postgres.
    AUDIT_CONSUMER: z
      .enum(["0", "1", "true", "false", ""])
      .default("1")
      .transform((v) => v !== "0" && v !== "false"),
    AUDIT_CLAIM_IDLE_SECONDS: z.coerce.number().positive().default(60),
    /** Where reminders are sent (smtp:// or smtps://, credentials in the URL); unset: they go to the log. */
    SMTP_URL: z
      .url({ message: "SMTP_URL must be a URL such as smtp://user:pass@mail.example:587 or smtps://…:465" })
      .refine((u) => /^smtps?:\/\//.test(u), { message: "SMTP_URL must start with smtp:// or smtps://" })
      .optional(),
    /** The From address of reminder e-mails (a bare address; the organisation's name is shown with it). */
    SMTP_FROM: z.email({ message: "SMTP_FROM must be an e-mail address such as reminders@clinic.example" }).default("reminders@cohort-calendar.invalid"),
    /** `off` keeps the reminder worker out of this app instance (run `npm run worker` elsewhere instead). */
    REMINDER_WORKER: z.enum(["on", "off"], { message: "REMINDER_WORKER must be on or off" }).default("on"),
    /** `1` only under `npm run bench`: enables the benchmark's floor route (`/api/bench/floor`). */
    BENCH_MODE: z
      .enum(["0", "1", ""], { message: "BENCH_MODE must be 1 or unset" })
      .default("")
      .transform((v) => v === "1"),
  })
  .superRefine((raw, ctx) => {
    if (!raw.REDIS_URL && raw.REDIS_CLUSTER_NODES.length === 0) {
      ctx.addIssue({ code: "custom", path: ["REDIS_URL"], message: "REDIS_URL (or REDIS_CLUSTER_NODES) is required" });
    }
    if (!raw.REDIS_URL && !raw.SESSION_REDIS_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["SESSION_REDIS_URL"],
        message: "sessions need a single Redis: set SESSION_REDIS_URL (or REDIS_URL) beside REDIS_CLUSTER_NODES",
      });
    }
  })
  .transform((raw) => {
    return {
      ...raw,
      // Both are set when the refinement passed; the fallbacks only satisfy the type.
      REDIS_URL: raw.REDIS_URL ?? raw.SESSION_REDIS_URL ?? "",
      SESSION_REDIS_URL: raw.SESSION_REDIS_URL ?? raw.REDIS_URL ?? "",
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
  const insecure = insecureConnections(parsed.data);
  if (insecure.length) {
    throw new Error(`Refusing to start: insecure connections in production:\n${insecure.map((p) => `  - ${p}`).join("\n")}\n(see README.md, "Running in production")`);
  }
  cached = parsed.data;
  return cached;
}

/** Loopback names and addresses, and Unix sockets: traffic that never leaves the machine. */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "" || host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "::1" || host.startsWith("/");
}

const TLS_SSLMODES = new Set(["require", "verify-ca", "verify-full"]);

/**
 * In production, patient data must not cross a network in clear text: plain `redis://` or Postgres
 * without TLS is refused for any host other than this machine. Returns one sentence per problem, saying
 * why and how to fix it; empty when the connections are fine (or NODE_ENV is not production).
 */
export function insecureConnections(
  config: Pick<Env, "NODE_ENV" | "DATABASE_URL" | "REDIS_URL"> & { SESSION_REDIS_URL?: string; REDIS_CLUSTER_NODES?: string[]; REDIS_CLUSTER_TLS?: boolean },
): string[] {
  if (config.NODE_ENV !== "production") return [];
  const problems: string[] = [];
  const remoteNodes = (config.REDIS_CLUSTER_NODES ?? []).filter((node) => !isLocalHost(node.slice(0, node.lastIndexOf(":"))));
  if (remoteNodes.length && !config.REDIS_CLUSTER_TLS) {
    problems.push(
      `REDIS_CLUSTER_NODES names ${remoteNodes[0]} without TLS: the index would travel unencrypted. ` +
        "Set REDIS_CLUSTER_TLS=1 (and REDIS_CLUSTER_USERNAME / REDIS_CLUSTER_PASSWORD for an ACL user).",
    );
  }
  const redisUrls: [string, string | undefined][] = [
    ["REDIS_URL", config.REDIS_URL],
    ["SESSION_REDIS_URL", config.SESSION_REDIS_URL],
  ];
  for (const [name, value] of redisUrls) {
    if (!value || !URL.canParse(value)) continue;
    const url = new URL(value);
    if (url.protocol === "redis:" && !isLocalHost(url.hostname)) {
      problems.push(
        `${name} uses plain redis:// to ${url.hostname}: sessions and appointments would travel unencrypted. ` +
          `Use rediss://user:password@${url.hostname}:${url.port || 6379} (TLS; REDIS_CA_FILE for a private CA).`,
      );
    }
  }
  const pg = new URL(config.DATABASE_URL);
  const sslmode = pg.searchParams.get("sslmode") ?? pg.searchParams.get("ssl");
  const host = pg.searchParams.get("host") ?? pg.hostname;
  if (!isLocalHost(host) && !TLS_SSLMODES.has(sslmode ?? "") && pg.searchParams.get("sslrootcert") !== "system") {
    problems.push(
      `DATABASE_URL connects to ${host} without TLS (sslmode=${sslmode ?? "unset"}): patient data would travel unencrypted. ` +
        `Add ?sslmode=verify-full to DATABASE_URL (DATABASE_CA_FILE for a private CA).`,
    );
  }
  return problems;
}

/** Start-up warnings: configurations that work but that production should not keep. */
export function configurationWarnings(config: Env): string[] {
  if (config.NODE_ENV !== "production") return [];
  const warnings: string[] = [];
  const pg = new URL(config.DATABASE_URL);
  const host = pg.searchParams.get("host") ?? pg.hostname;
  if (!isLocalHost(host) && pg.searchParams.get("sslmode") === "require") {
    warnings.push("DATABASE_URL uses sslmode=require: encrypted, but the server's identity is not verified; prefer sslmode=verify-full");
  }
  for (const [name, value] of [["REDIS_URL", config.REDIS_URL], ["SESSION_REDIS_URL", config.SESSION_REDIS_URL]] as const) {
    if (!URL.canParse(value)) continue;
    const url = new URL(value);
    if (!isLocalHost(url.hostname) && !url.password) warnings.push(`${name} has no password or ACL user: anyone who reaches ${url.hostname} can read it`);
  }
  if (config.SESSION_REDIS_URL === config.REDIS_URL) {
    warnings.push("SESSION_REDIS_URL is the cache's Redis: a cache outage is then a session outage, and eviction could drop sessions");
  }
  if (!config.METRICS_TOKEN) warnings.push("METRICS_TOKEN is not set: /api/metrics answers 404");
  return warnings;
}

/** True while `next build` collects page data: no configuration is expected then. */
export function isBuildPhase(): boolean {
  return process.env.NEXT_PHASE === "phase-production-build";
}
