import "server-only";
import { randomBytes } from "node:crypto";
import { AppError } from "@/lib/errors";
import { sessionRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import type { Actor, Role } from "./actor";

/** 256 random bits, url-safe: the only thing the cookie carries. */
const newSessionId = () => randomBytes(32).toString("base64url");

function storeUnavailable(error: unknown): AppError {
  return new AppError("unavailable", "The session store is unavailable; try again shortly", {
    cause: error instanceof Error ? error.message : String(error),
  });
}

export async function createSession(actor: Actor, now = Date.now()): Promise<string> {
  const id = newSessionId();
  const record = {
    userId: actor.userId,
    orgId: actor.orgId,
    role: actor.role,
    patientId: actor.patientId ?? "",
    timeZone: actor.timeZone,
    orgTimeZone: actor.orgTimeZone,
    createdAt: String(now),
    absoluteExpiresAt: String(now + ttl.sessionAbsoluteSeconds * 1000),
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

/** Reads a session and slides its idle expiry; null when it is unknown, revoked or expired. */
export async function readSession(id: string, now = Date.now()): Promise<Actor | null> {
  let record: Record<string, string>;
  try {
    const replies = await sessionRedis()
      .pipeline()
      .hgetall(keys.session(id))
      .expire(keys.session(id), ttl.sessionIdleSeconds)
      .exec();
    const [error, value] = replies?.[0] ?? [new Error("no reply"), null];
    if (error) throw error;
    record = value as Record<string, string>;
  } catch (error) {
    throw storeUnavailable(error);
  }
  if (!record.userId) return null;
  if (Number(record.absoluteExpiresAt) <= now) {
    await deleteSession(id, record.userId);
    return null;
  }
  return {
    userId: record.userId,
    orgId: record.orgId ?? "",
    role: record.role as Role,
    patientId: record.patientId || null,
    timeZone: record.timeZone ?? "UTC",
    orgTimeZone: record.orgTimeZone ?? "UTC",
  };
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
