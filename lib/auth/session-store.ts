import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { AppError } from "@/lib/errors";
import { sessionRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import type { Actor } from "./actor";
import { storeUnavailable } from "./session-check";

export { readSession, readSessionSpending, type ApiBudget, type BudgetVerdict } from "./session-check";

/** 256 random bits, url-safe: the only thing the cookie carries. */
const newSessionId = () => randomBytes(32).toString("base64url");

/**
 * What an admin sees instead of the session id (which is a bearer secret): a one-way digest, enough to
 * name a session in a list and to revoke it, useless for signing in.
 */
export const sessionHandle = (sessionId: string) => createHash("sha256").update(sessionId).digest("base64url").slice(0, 22);


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
