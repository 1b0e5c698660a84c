import "server-only";
import { readFileSync } from "node:fs";
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from "node:tls";
import type { RedisOptions } from "ioredis";
import type { Options } from "postgres";
import { env } from "@/lib/env";

/**
 * Pool sizes, timeouts and TLS of every connection, in one place (values from lib/env.ts). TLS itself
 * comes from the URLs: `rediss://` for Redis, `?sslmode=verify-full` for Postgres; a private CA is read
 * from REDIS_CA_FILE / DATABASE_CA_FILE (or give Node NODE_EXTRA_CA_CERTS for every connection at once).
 */
export function postgresOptions(
  url = env().DATABASE_URL,
  { statementTimeoutMs = env().DB_STATEMENT_TIMEOUT_MS, max = env().DB_POOL_MAX } = {},
): Options<Record<string, never>> {
  const e = env();
  const options: Options<Record<string, never>> = {
    max,
    idle_timeout: e.DB_IDLE_TIMEOUT_SECONDS,
    connect_timeout: e.DB_CONNECT_TIMEOUT_SECONDS,
    // Recycled now and then, so a failover or DNS change is picked up without a restart.
    max_lifetime: 30 * 60,
    onnotice: () => {},
    connection: {
      application_name: "cohort-calendar",
      // The planner's default (4) prices a random page as a disk seek; the calendar's working set is in
      // memory or on SSD. At 4 an organisation day takes a bitmap scan and a sort of 1,400 wide rows
      // (8 ms); at 1.1 the index scan in feed order and no sort (6 ms).
      random_page_cost: 1.1,
      // Postgres' own limits: a statement that runs too long is cancelled and its transaction rolled back
      // on the server; a transaction left idle is ended the same way.
      ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs, idle_in_transaction_session_timeout: statementTimeoutMs * 2 } : {}),
    },
  };
  // Only when verifying: an `ssl` key, even undefined, would override the URL's sslmode.
  const verify = verification(url, Boolean(e.DATABASE_CA_FILE));
  if (verify) {
    options.ssl = {
      rejectUnauthorized: true,
      ...(e.DATABASE_CA_FILE ? { ca: readFileSync(e.DATABASE_CA_FILE, "utf8") } : {}),
      // The driver hands TLS a ready socket without the host name, and Node then checks the certificate
      // against "localhost": name the host we meant (verify-full), or check the chain only (verify-ca).
      checkServerIdentity: (_host: string, cert: PeerCertificate) => (verify.host ? checkServerIdentity(verify.host, cert) : undefined),
    };
  }
  return options;
}

/** What `sslmode` asks to verify: the chain and the host name (verify-full, or any mode with a CA file), or the chain only. */
function verification(url: string, caFile: boolean): { host: string | null } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const mode = parsed.searchParams.get("sslmode");
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (mode === "verify-full" || parsed.searchParams.get("sslrootcert") === "system" || (caFile && mode !== "verify-ca")) return { host };
  if (mode === "verify-ca") return { host: null };
  return null;
}

/** TLS options for a Redis connection: for rediss:// URLs (and cluster nodes with REDIS_CLUSTER_TLS=1). */
export function redisTls(secure: boolean): ConnectionOptions | undefined {
  if (!secure) return undefined;
  const caFile = env().REDIS_CA_FILE;
  return caFile ? { ca: readFileSync(caFile, "utf8") } : {};
}

/**
 * Bounded by design: a Redis that hangs must not hang requests. Commands time out (REDIS_COMMAND_TIMEOUT_MS,
 * 1 s by default: set per command by lib/redis/client.ts, which judges a timeout only after the replies
 * that arrived during a stall of this process have been read) and are retried at most once, so while
 * Redis is away callers see an error quickly and fall back (cache) or fail closed (sessions).
 */
export function redisOptions(url: string, connectionName: string): RedisOptions {
  const e = env();
  const options: RedisOptions = {
    connectionName,
    connectTimeout: e.REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  };
  const tls = redisTls(url.startsWith("rediss://"));
  if (tls && e.REDIS_CA_FILE) options.tls = tls;
  return options;
}

/** The options of each node connection of a Redis Cluster (REDIS_CLUSTER_NODES lists only host:port). */
export function clusterNodeOptions(connectionName: string): RedisOptions {
  const e = env();
  return {
    connectionName,
    // Commands through the cluster client are bounded by lib/redis/client.ts at the command timeout; this
    // is the backstop for the few sent to a node directly (operations' SCANs).
    commandTimeout: e.REDIS_COMMAND_TIMEOUT_MS * 4,
    connectTimeout: e.REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    ...(e.REDIS_CLUSTER_USERNAME ? { username: e.REDIS_CLUSTER_USERNAME } : {}),
    ...(e.REDIS_CLUSTER_PASSWORD ? { password: e.REDIS_CLUSTER_PASSWORD } : {}),
    ...(e.REDIS_CLUSTER_TLS ? { tls: redisTls(true) } : {}),
  };
}
