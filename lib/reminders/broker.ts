import "server-only";
import type Redis from "ioredis";
import { reminderRedis } from "@/lib/redis/client";
import { keys, REMINDER_CONSUMER_GROUP, ttl } from "@/lib/redis/keys";

/**
 * The Redis side of reminders: per organisation a schedule (sorted set) and a dead-letter stream, and one
 * delivery stream with a consumer group for all. They live on the durable Redis (the session store:
 * never evicted, persisted), like the audit trail, because a message broker must not lose messages to
 * cache eviction; should that Redis be lost all the same, the schedule pass rebuilds it from Postgres.
 * On a connection and circuit breaker of their own (`reminderRedis`): the worker runs in every app
 * instance, and its commands timing out (a busy start-up, a long pass) must not open the breaker that
 * sign-ins and session checks go through.
 */
export function brokerRedis(): Redis {
  return reminderRedis();
}

/** A message of the delivery stream: which organisation's schedule member to deliver. */
export interface StreamMessage {
  streamId: string;
  orgId: string;
  member: string;
}

/**
 * Hands due members to the stream without taking them off the schedule: their score moves to when
 * they are due again, should this delivery be lost (the stream trimmed, a Redis failover, a crash right
 * after this script). A delivery that finishes removes its member; one that fails sets its next
 * attempt. Atomic per organisation, so two movers never hand the same member over twice at once.
 */
const MOVE_DUE = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], member) end
return due`;

type Scripted = Redis & { reminderMoveDue(key: string, nowMs: number, againMs: number, limit: number): Promise<string[]> };
const withMoveScript = (redis: Redis): Scripted => {
  if (!("reminderMoveDue" in redis)) redis.defineCommand("reminderMoveDue", { numberOfKeys: 1, lua: MOVE_DUE });
  return redis as Scripted;
};

async function run(pipeline: ReturnType<Redis["pipeline"]>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
  return results.map(([, value]) => value);
}

/** Adds reminders to an organisation's schedule; a member already there keeps its score. */
export async function scheduleMembers(orgId: string, items: { member: string; atMs: number }[], redis = brokerRedis()): Promise<void> {
  const pipeline = redis.pipeline();
  for (let i = 0; i < items.length; i += 500) {
    pipeline.zadd(keys.reminderSchedule(orgId), "NX", ...items.slice(i, i + 500).flatMap((c) => [c.atMs, c.member]));
  }
  pipeline.sadd(keys.reminderOrgs(), orgId);
  await run(pipeline);
}

/** Organisations that have a schedule (the mover's round). */
export async function scheduledOrganizations(redis = brokerRedis()): Promise<string[]> {
  return redis.smembers(keys.reminderOrgs());
}

/**
 * Moves up to `limit` due members of each organisation into the delivery stream, in two round trips
 * whatever the number of organisations (the mover runs every second in every instance). Returns how
 * many it moved.
 */
export async function moveDue(orgIds: string[], nowMs: number, redeliverAfterMs: number, limit = 200, redis = brokerRedis()): Promise<number> {
  if (orgIds.length === 0) return 0;
  const scripted = withMoveScript(redis);
  const moves = scripted.pipeline() as unknown as { reminderMoveDue(key: string, nowMs: number, againMs: number, limit: number): void } & ReturnType<Redis["pipeline"]>;
  for (const orgId of orgIds) moves.reminderMoveDue(keys.reminderSchedule(orgId), nowMs, nowMs + redeliverAfterMs, limit);
  const due = (await run(moves)) as string[][];
  const handOver = redis.pipeline();
  let moved = 0;
  due.forEach((members, i) => {
    for (const member of members) handOver.xadd(keys.reminderStream(), "*", "org", orgIds[i]!, "member", member);
    moved += members.length;
  });
  if (moved) await run(handOver);
  return moved;
}

export async function ensureConsumerGroup(redis = brokerRedis()): Promise<void> {
  try {
    // From the stream's start: messages added before the group existed are deliveries too.
    await redis.xgroup("CREATE", keys.reminderStream(), REMINDER_CONSUMER_GROUP, "0", "MKSTREAM");
  } catch (error) {
    if (!(error instanceof Error && error.message.includes("BUSYGROUP"))) throw error;
  }
}

type RawEntry = [string, string[]] | null;

function toMessages(entries: RawEntry[]): StreamMessage[] {
  const out: StreamMessage[] = [];
  for (const entry of entries) {
    if (!Array.isArray(entry) || !Array.isArray(entry[1])) continue;
    const fields = entry[1];
    const field = (name: string) => fields[fields.indexOf(name) + 1] ?? "";
    out.push({ streamId: entry[0], orgId: field("org"), member: field("member") });
  }
  return out;
}

/** New messages for this consumer (they enter its pending list until acknowledged). */
export async function readNew(consumer: string, count: number, blockMs: number | null, redis = brokerRedis()): Promise<StreamMessage[]> {
  const block = blockMs === null ? [] : ["BLOCK", blockMs];
  const reply = (await redis.xreadgroup(
    "GROUP", REMINDER_CONSUMER_GROUP, consumer, "COUNT", count, ...(block as []), "STREAMS", keys.reminderStream(), ">",
  )) as [string, RawEntry[]][] | null;
  return toMessages(reply?.[0]?.[1] ?? []);
}

/**
 * Takes over messages that another consumer (or this one) received and has not acknowledged for
 * `minIdleMs`: its worker died or hangs. XAUTOCLAIM hands each to exactly one claimant.
 */
export async function reclaimStale(consumer: string, minIdleMs: number, count: number, redis = brokerRedis()): Promise<StreamMessage[]> {
  const reply = (await redis.xautoclaim(keys.reminderStream(), REMINDER_CONSUMER_GROUP, consumer, minIdleMs, "0-0", "COUNT", count)) as [
    string,
    RawEntry[],
  ];
  return toMessages(reply?.[1] ?? []);
}

/**
 * Forgets consumers that hold nothing and have not read for `maxIdleMs` (every process start makes a new
 * one): the group's consumer list stays the list of live workers. One with pending messages stays until
 * XAUTOCLAIM has taken them over.
 */
export async function pruneConsumers(maxIdleMs: number, redis = brokerRedis()): Promise<number> {
  const reply = (await redis.xinfo("CONSUMERS", keys.reminderStream(), REMINDER_CONSUMER_GROUP).catch((error: unknown) => {
    // No stream or group yet (a fresh Redis): nothing to forget.
    if (error instanceof Error && /NOGROUP|no such key/i.test(error.message)) return [];
    throw error;
  })) as (string | number)[][];
  let removed = 0;
  for (const fields of reply) {
    const field = (name: string) => fields[fields.indexOf(name) + 1];
    if (Number(field("pending")) === 0 && Number(field("idle")) > maxIdleMs) {
      await redis.xgroup("DELCONSUMER", keys.reminderStream(), REMINDER_CONSUMER_GROUP, String(field("name")));
      removed += 1;
    }
  }
  return removed;
}

/** Done with a message: acknowledged and deleted, so the stream's length is the backlog. */
export async function acknowledge(streamId: string, redis = brokerRedis()): Promise<void> {
  await run(redis.multi().xack(keys.reminderStream(), REMINDER_CONSUMER_GROUP, streamId).xdel(keys.reminderStream(), streamId));
}

export async function unschedule(orgId: string, member: string, redis = brokerRedis()): Promise<void> {
  await redis.zrem(keys.reminderSchedule(orgId), member);
}

/** Schedules a member's next attempt (a retry with backoff, or a reminder that is not due yet). */
export async function rescheduleAt(orgId: string, member: string, atMs: number, redis = brokerRedis()): Promise<void> {
  await run(redis.pipeline().zadd(keys.reminderSchedule(orgId), atMs, member).sadd(keys.reminderOrgs(), orgId));
}

export interface DeadLetter {
  entryId: string;
  reminderId: string;
  kind: string;
  dueAt: string;
  attempts: number;
  reason: string;
  at: string;
}

export async function addDeadLetter(orgId: string, letter: Omit<DeadLetter, "entryId">, redis = brokerRedis()): Promise<void> {
  await redis.xadd(
    keys.reminderDeadLetters(orgId), "MAXLEN", "~", ttl.reminderDeadLetterMax, "*",
    "reminder", letter.reminderId, "kind", letter.kind, "due", letter.dueAt, "attempts", String(letter.attempts),
    "reason", letter.reason, "at", letter.at,
  );
}

/** The organisation's dead letters, newest first. */
export async function readDeadLetters(orgId: string, count = 100, redis = brokerRedis()): Promise<DeadLetter[]> {
  const entries = (await redis.xrevrange(keys.reminderDeadLetters(orgId), "+", "-", "COUNT", count)) as [string, string[]][];
  return entries.map(([entryId, fields]) => {
    const field = (name: string) => fields[fields.indexOf(name) + 1] ?? "";
    return {
      entryId,
      reminderId: field("reminder"),
      kind: field("kind"),
      dueAt: field("due"),
      attempts: Number(field("attempts")) || 0,
      reason: field("reason"),
      at: field("at"),
    };
  });
}

export async function removeDeadLetters(orgId: string, entryIds: string[], redis = brokerRedis()): Promise<void> {
  if (entryIds.length) await redis.xdel(keys.reminderDeadLetters(orgId), ...entryIds);
}

/** What waits in Redis: messages in the stream, those handed out and unacknowledged, the oldest overdue member. */
export async function brokerBacklog(nowMs = Date.now(), redis = brokerRedis()): Promise<{ stream: number; pending: number; oldestDueMs: number | null }> {
  const [stream, pending] = await Promise.all([
    redis.xlen(keys.reminderStream()),
    redis.xpending(keys.reminderStream(), REMINDER_CONSUMER_GROUP).catch(() => [0]) as Promise<[number, ...unknown[]]>,
  ]);
  let oldest: number | null = null;
  const orgs = await scheduledOrganizations(redis);
  const pipeline = redis.pipeline();
  for (const orgId of orgs) pipeline.zrangebyscore(keys.reminderSchedule(orgId), "-inf", nowMs, "WITHSCORES", "LIMIT", 0, 1);
  for (const reply of (await run(pipeline)) as string[][]) {
    if (reply.length === 2) oldest = Math.min(oldest ?? Infinity, Number(reply[1]));
  }
  return { stream, pending: Number(pending?.[0] ?? 0), oldestDueMs: oldest };
}
