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
};

export const ttl = {
  /** Seconds a session lives without activity (sliding). */
  sessionIdleSeconds: 30 * 60,
  /** Seconds a session lives at most, whatever the activity. */
  sessionAbsoluteSeconds: 12 * 60 * 60,
};
