import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { AppError } from "@/lib/errors";
import { sessionRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import type { Actor, Role } from "./actor";

/** 256 random bits, url-safe: the only thing the cookie carries. */
const newSessionId = () => randomBytes(32).toString("base64url");

/**
 * What an admin sees instead of the session id (which is a bearer secret): a one-way digest, enough to
 * name a session in a list and to revoke it, useless for signing in.
 */
export const sessionHandle = (sessionId: string) => createHash("sha256").update(sessionId).digest("base64url").slice(0, 22);

function storeUnavailable(error: unknown): AppError {
  return new AppError("unavailable", "The session store is unavailable; try again shortly", {
    cause: error instanceof Error ? error.message : String(error),
  });
}

/** Where a login came from: shown to admins in the session list. */
export interface SessionOrigin {
  ip?: string | null;
  userAgent?: string | null;
}

export async function createSession(actor: Actor, now = Date.now(), origin: SessionOrigin = {}): Promise<string> {
  const id = newSessionId();
  const record = {
    userId: actor.userId,
    orgId: actor.orgId,
    role: actor.role,
    patientId: actor.patientId ?? "",
    timeZone: actor.timeZone,
    orgTimeZone: actor.orgTimeZone,
    createdAt: String(now),
    lastSeenAt: String(now),
    absoluteExpiresAt: String(now + ttl.sessionAbsoluteSeconds * 1000),
    ip: (origin.ip ?? "").slice(0, 64),
    userAgent: (origin.userAgent ?? "").slice(0, 256),
  };
  try {
    await sessionRedis()
      .multi()
      .hset(keys.session(id), record)
      .expire(keys.session(id), ttl.sessionIdleSeconds)
      .sadd(keys.userSessions(actor.userId), id)
      .expire(keys.userSessions(actor.userId), ttl.sessionAbsoluteSeconds)
      .exec();
  } catch (error) {
    throw storeUnavailable(error);
  }
  return id;
}

/**
 * Checks both expiries against the caller's clock (so tests can move time) and slides the idle expiry, in
 * one atomic step: a concurrent request cannot revive a session another one found expired. Returns the
 * record, "expired" (deleted here) or nothing (unknown or revoked). The Redis TTL follows the same
 * deadlines, so abandoned sessions also disappear on their own.
 *
 * With ARGV[3..5] it also spends one request of the user's API budget, in the same round trip: the counter
 * is rate-limiter-flexible's (lib/rate-limit: `<prefix>:<userId>`, a fixed window), so both count alike.
 * Its key comes from the record; the session Redis is one instance, never a cluster (DESIGN.md).
 */
const TOUCH_SCRIPT = `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return false end
local record = {}
for i = 1, #fields, 2 do record[fields[i]] = fields[i + 1] end
local now = tonumber(ARGV[1])
local idleMs = tonumber(ARGV[2])
local absolute = tonumber(record['absoluteExpiresAt']) or 0
local last = tonumber(record['lastSeenAt']) or tonumber(record['createdAt']) or 0
if absolute <= now or now - last >= idleMs then
  redis.call('DEL', KEYS[1])
  return {'expired', record['userId'] or ''}
end
if now > last then redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], math.min(idleMs, absolute - now))
if ARGV[3] and record['userId'] then
  local budget = ARGV[3] .. ':' .. record['userId']
  local seconds = tonumber(ARGV[5])
  redis.call('SET', budget, 0, 'EX', seconds, 'NX')
  local spent = redis.call('INCRBY', budget, 1)
  local left = redis.call('PTTL', budget)
  if left == -1 then
    redis.call('EXPIRE', budget, seconds)
    left = seconds * 1000
  end
  fields[#fields + 1] = '@spent'
  fields[#fields + 1] = tostring(spent)
  fields[#fields + 1] = '@resetMs'
  fields[#fields + 1] = tostring(left)
end
return fields
`;

type SessionRedis = ReturnType<typeof sessionRedis> & {
  touchSession(key: string, now: string, idleMs: string, ...budget: string[]): Promise<string[] | null>;
};

const registered = new WeakSet<object>();
function scripted(): SessionRedis {
  const redis = sessionRedis();
  if (!registered.has(redis)) {
    // EVALSHA (ioredis falls back to EVAL once per connection): the script text is not sent per request.
    redis.defineCommand("touchSession", { numberOfKeys: 1, lua: TOUCH_SCRIPT });
    registered.add(redis);
  }
  return redis as SessionRedis;
}

/** One request of a per-user budget, spent in the session check's round trip. */
export interface ApiBudget {
  /** rate-limiter-flexible's key prefix of the budget (keys.rateLimit(name)). */
  keyPrefix: string;
  points: number;
  windowSeconds: number;
}

export interface BudgetVerdict {
  /** Over budget: the time until the window resets. */
  refusedForMs: number | null;
}

/** Reads a session and slides its idle expiry; null when it is unknown, revoked or expired. */
export async function readSession(id: string, now = Date.now()): Promise<Actor | null> {
  return (await touchSession(id, now))?.actor ?? null;
}

/**
 * As readSession, and spends one request of the user's budget in the same round trip (the API guard).
 * An unknown or expired session spends nothing.
 */
export async function readSessionSpending(id: string, budget: ApiBudget, now = Date.now()): Promise<{ actor: Actor; verdict: BudgetVerdict } | null> {
  const touched = await touchSession(id, now, budget);
  if (!touched) return null;
  return { actor: touched.actor, verdict: touched.verdict ?? { refusedForMs: null } };
}

async function touchSession(id: string, now: number, budget?: ApiBudget): Promise<{ actor: Actor; verdict?: BudgetVerdict } | null> {
  let reply: string[] | null;
  try {
    const extra = budget ? [budget.keyPrefix, String(budget.points), String(budget.windowSeconds)] : [];
    reply = await scripted().touchSession(keys.session(id), String(now), String(ttl.sessionIdleSeconds * 1000), ...extra);
  } catch (error) {
    throw storeUnavailable(error);
  }
  if (!reply) return null;
  if (reply[0] === "expired") {
    if (reply[1]) await sessionRedis().srem(keys.userSessions(reply[1]), id).catch(() => {});
    return null;
  }
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) record[reply[i]!] = reply[i + 1]!;
  if (!record.userId) return null;
  const actor: Actor = {
    userId: record.userId,
    orgId: record.orgId ?? "",
    role: record.role as Role,
    patientId: record.patientId || null,
    timeZone: record.timeZone ?? "UTC",
    orgTimeZone: record.orgTimeZone ?? "UTC",
  };
  if (!budget || record["@spent"] === undefined) return { actor };
  const refused = Number(record["@spent"]) > budget.points;
  return { actor, verdict: { refusedForMs: refused ? Math.max(0, Number(record["@resetMs"])) : null } };
}

/**
 * Whether a session is still alive, without sliding it: a long-lived stream (live updates) must end when
 * its session is revoked or times out, but is no user activity that should keep the session open.
 */
export async function sessionAlive(id: string, now = Date.now()): Promise<boolean> {
  let absolute: string | null | undefined, last: string | null | undefined, created: string | null | undefined;
  try {
    [absolute, last, created] = await sessionRedis().hmget(keys.session(id), "absoluteExpiresAt", "lastSeenAt", "createdAt");
  } catch (error) {
    throw storeUnavailable(error);
  }
  if (!absolute) return false;
  return Number(absolute) > now && now - Number(last ?? created ?? 0) < ttl.sessionIdleSeconds * 1000;
}

export async function deleteSession(id: string, userId?: string): Promise<void> {
  try {
    const redis = sessionRedis();
    const owner = userId ?? (await redis.hget(keys.session(id), "userId"));
    const tx = redis.multi().del(keys.session(id));
    if (owner) tx.srem(keys.userSessions(owner), id);
    await tx.exec();
  } catch (error) {
    throw storeUnavailable(error);
  }
}

export interface SessionSummary {
  handle: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string;
  userAgent: string;
}

/** A user's live sessions, newest first; forgets ids whose records have expired meanwhile. */
export async function listUserSessions(userId: string): Promise<SessionSummary[]> {
  try {
    const redis = sessionRedis();
    const ids = await redis.smembers(keys.userSessions(userId));
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.session(id));
    const replies = (await pipeline.exec()) ?? [];
    const live: SessionSummary[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const [error, value] = replies[i] ?? [null, {}];
      if (error) throw error;
      const record = value as Record<string, string>;
      if (record.userId !== userId) return void gone.push(id);
      const lastSeen = Number(record.lastSeenAt ?? record.createdAt);
      const idleEnd = lastSeen + ttl.sessionIdleSeconds * 1000;
      live.push({
        handle: sessionHandle(id),
        createdAt: new Date(Number(record.createdAt)),
        lastSeenAt: new Date(lastSeen),
        expiresAt: new Date(Math.min(idleEnd, Number(record.absoluteExpiresAt))),
        ip: record.ip ?? "",
        userAgent: record.userAgent ?? "",
      });
    });
    if (gone.length) await redis.srem(keys.userSessions(userId), ...gone);
    return live.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  } catch (error) {
    throw error instanceof AppError ? error : storeUnavailable(error);
  }
}

/**
 * Ends every session of a user (password change, account disabled, admin's "sign out everywhere").
 * Returns how many were live.
 */
export async function revokeUserSessions(userId: string): Promise<number> {
  try {
    const redis = sessionRedis();
    const ids = await redis.smembers(keys.userSessions(userId));
    const tx = redis.multi();
    for (const id of ids) tx.del(keys.session(id));
    tx.del(keys.userSessions(userId));
    const replies = (await tx.exec()) ?? [];
    return replies.slice(0, ids.length).filter(([, deleted]) => deleted === 1).length;
  } catch (error) {
    throw storeUnavailable(error);
  }
}

/** Ends one session of a user named by its handle; false when the user has no such session. */
export async function revokeSessionByHandle(userId: string, handle: string): Promise<boolean> {
  let ids: string[];
  try {
    ids = await sessionRedis().smembers(keys.userSessions(userId));
  } catch (error) {
    throw storeUnavailable(error);
  }
  const id = ids.find((candidate) => sessionHandle(candidate) === handle);
  if (!id) return false;
  await deleteSession(id, userId);
  return true;
}

const UPDATE_IF_LIVE = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], unpack(ARGV)) return 1 end
return 0
`;

/**
 * Rewrites fields of a user's live sessions (the organisation's time zone changed): a session carries the
 * zones it was signed in with. Never creates a record: a session that ended meanwhile stays ended.
 */
export async function updateUserSessions(userId: string, fields: { orgTimeZone?: string; timeZone?: string }): Promise<void> {
  const args = Object.entries(fields).flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
  if (args.length === 0) return;
  try {
    const redis = sessionRedis();
    for (const id of await redis.smembers(keys.userSessions(userId))) await redis.eval(UPDATE_IF_LIVE, 1, keys.session(id), ...args);
  } catch (error) {
    throw storeUnavailable(error);
  }
}
