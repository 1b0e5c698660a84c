import { env } from "@/lib/env";

/**
 * Every Redis key and TTL is built here. Keys of an organisation carry its id as a hash tag `{orgId}`
 * so scripts and pipelines over them stay in one Redis Cluster slot. The prefix separates test runs
 * from demo data on a shared server (a cluster has only db 0).
 */
const prefix = () => env().REDIS_KEY_PREFIX;
const org = (orgId: string) => `${prefix()}organization:{${orgId}}`;

export const keys = {
  /** Pub/sub channel of an organisation's committed event changes (payload: LiveUpdate JSON). */
  liveChannel: (orgId: string) => `${prefix()}live:{${orgId}}`,
  session: (sessionId: string) => `${prefix()}session:${sessionId}`,
  userSessions: (userId: string) => `${prefix()}user:${userId}:sessions`,

  // The event index (DESIGN.md, Redis). Sorted sets scored by occurrence start; members are compact
  // references to an event template, or "<13-digit end ms>|<occurrence JSON>" (lib/events/index/members.ts),
  // times in the organisation's time zone.
  orgEvents: (orgId: string) => `${org(orgId)}:events`,
  patientEvents: (orgId: string, patientId: string) => `${org(orgId)}:subscriber:${patientId}:events`,
  /** The organisation's event templates (a hash: event ref -> template) that compact members name. */
  orgTemplates: (orgId: string) => `${org(orgId)}:templates`,
  /** What apply-event.lua appends a patient id and ":events" to. */
  patientEventsPrefix: (orgId: string) => `${org(orgId)}:subscriber:`,
  /** The event record: index revision, tombstone flag, and which occurrences the sets hold. */
  eventRecord: (orgId: string, eventId: string) => `${prefix()}events:{${orgId}}:${eventId}`,
  /** Counts write-throughs: a rehydration that saw another value before reading Postgres is discarded. */
  orgWatermark: (orgId: string) => `${org(orgId)}:watermark`,
  /** The organisation's longest occurrence (ms): how far back a window read must look. */
  orgMaxDuration: (orgId: string) => `${org(orgId)}:max-duration`,
  /** One rebuild of one unit of one set at a time. */
  hydrateLock: (setKey: string, unit: number) => `${setKey}:lock:${unit}`,

  // Operations (lib/ops, lib/metrics). One hash tag `{ops}` keeps them in one cluster slot, so the
  // System page reads a quarter of an hour of statistics with one MGET-like pipeline.
  /** Feed read outcomes and Redis evictions per minute, summed over every app instance (a hash). */
  opsMinuteStats: (minute: number) => `${prefix()}ops:{ops}:stats:${minute}`,
  /** Held by the one instance running the horizon job; its value is the runner's fencing token. */
  horizonLock: () => `${prefix()}ops:{ops}:horizon:lock`,
  /** Held while one instance warms the cache at start-up; set afterwards so a rolling deploy warms once. */
  warmLock: () => `${prefix()}ops:{ops}:warm:lock`,
  /** Prefix of rate-limiter-flexible's counters (it appends `:<key>`); kept on the session Redis (never evicted). */
  rateLimit: (name: string) => `${prefix()}ratelimit:${name}`,
  /** Stream of audit entries waiting for the consumer that writes them to Postgres (on the session Redis). */
  auditStream: () => `${prefix()}audit:stream`,

  // Reminders (lib/reminders), on the durable Redis. Per organisation: the schedule, a sorted set of
  // reminder members scored by when they are due (or, once handed to the stream, by when they are due
  // again should the delivery be lost), and the dead-letter stream its admins see.
  reminderSchedule: (orgId: string) => `${prefix()}reminders:{${orgId}}:due`,
  reminderDeadLetters: (orgId: string) => `${prefix()}reminders:{${orgId}}:dead`,
  /**
   * Shared by all organisations, so that one consumer group serves them all (a stream per organisation
   * would need one XREADGROUP over hundreds of keys, which a cluster refuses): the delivery stream, and
   * the set of organisations whose schedules the mover visits. Neither is touched together with an
   * organisation's keys in one command or script.
   */
  reminderStream: () => `${prefix()}reminders:{deliveries}:stream`,
  reminderOrgs: () => `${prefix()}reminders:{deliveries}:orgs`,
  /** One schedule rebuild of an organisation at a time, across instances. */
  reminderRebuildLock: (orgId: string) => `${prefix()}reminders:{${orgId}}:rebuild-lock`,
  /** Which instance reschedules the reminders of one committed change (every instance hears of it). */
  reminderChangeClaim: (orgId: string, eventId: string, version: string) => `${prefix()}reminders:{${orgId}}:change:${eventId}:${version}`,
};

/** The consumer group that moves audit entries from the stream into Postgres. */
export const AUDIT_CONSUMER_GROUP = "audit-writers";

/** The consumer group of the reminder stream. */
export const REMINDER_CONSUMER_GROUP = "reminder-senders";

export const ttl = {
  /** Seconds a session lives without activity (sliding); SESSION_IDLE_MINUTES, default 30 min. */
  get sessionIdleSeconds() {
    return Math.max(1, Math.round(env().SESSION_IDLE_MINUTES * 60));
  },
  /** Seconds a session lives at most, whatever the activity; SESSION_ABSOLUTE_HOURS, default 12 h. */
  get sessionAbsoluteSeconds() {
    return Math.max(1, Math.round(env().SESSION_ABSOLUTE_HOURS * 3600));
  },
  /** Index sets live this long after their last read (plus jitter), so cold organisations dehydrate. */
  indexSetSeconds: () => 6 * 60 * 60 + Math.floor(Math.random() * 30 * 60),
  eventRecordSeconds: 7 * 24 * 60 * 60,
  /** Deleted events stay known this long, so a late write-through of an older revision cannot revive them. */
  tombstoneSeconds: 24 * 60 * 60,
  hydrateLockMs: 5000,
  opsMinuteStatsSeconds: 2 * 60 * 60,
  /** The horizon lock is renewed while the job runs; a runner that dies frees it after this. */
  horizonLockMs: 60_000,
  /** After a start-up warm-up, other instances starting within this window skip theirs. */
  warmLockSeconds: 10 * 60,
  /** Dead letters kept per organisation (older ones are trimmed; the ledger in Postgres keeps them all). */
  reminderDeadLetterMax: 1000,
};

/** Hydration units: an organisation's set by day, a patient's by 28 days (both epoch-aligned, UTC). */
export const units = {
  orgMs: 86_400_000,
  patientMs: 28 * 86_400_000,
};
