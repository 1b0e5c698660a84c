import { env } from "@/lib/env";

/**
 * Every Redis key and TTL is built here. Keys of an organisation carry its id as a hash tag `{orgId}`
 * so scripts and pipelines over them stay in one Redis Cluster slot. The prefix separates test runs
 * from demo data on a shared server (a cluster has only db 0).
 */
const prefix = () => env().REDIS_KEY_PREFIX;

export const keys = {
  /** Pub/sub channel of an organisation's committed event changes (payload: LiveUpdate JSON). */
  liveChannel: (orgId: string) => `${prefix()}live:{${orgId}}`,
  session: (sessionId: string) => `${prefix()}session:${sessionId}`,
  userSessions: (userId: string) => `${prefix()}user:${userId}:sessions`,
  /** Prefix of rate-limiter-flexible's counters (it appends `:<key>`); kept on the session Redis (never evicted). */
  rateLimit: (name: string) => `${prefix()}ratelimit:${name}`,
  /** Stream of audit entries waiting for the consumer that writes them to Postgres (on the session Redis). */
  auditStream: () => `${prefix()}audit:stream`,
};

/** The consumer group that moves audit entries from the stream into Postgres. */
export const AUDIT_CONSUMER_GROUP = "audit-writers";

export const ttl = {
  /** Seconds a session lives without activity (sliding); SESSION_IDLE_MINUTES, default 30 min. */
  get sessionIdleSeconds() {
    return Math.max(1, Math.round(env().SESSION_IDLE_MINUTES * 60));
  },
  /** Seconds a session lives at most, whatever the activity; SESSION_ABSOLUTE_HOURS, default 12 h. */
  get sessionAbsoluteSeconds() {
    return Math.max(1, Math.round(env().SESSION_ABSOLUTE_HOURS * 3600));
  },
};
