import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { withRedisConnections } from "@/lib/testing/swap-redis";
import { AppError } from "@/lib/errors";
import { closeRedis, sessionRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import { freePort } from "@/lib/testing/throwaway-redis";
import type { Actor } from "./actor";
import {
  createSession,
  deleteSession,
  listUserSessions,
  readSession,
  revokeSessionByHandle,
  revokeUserSessions,
  sessionHandle,
} from "./session-store";

const makeActor = (): Actor => ({
  userId: randomUUID(),
  orgId: "5a8e0b3c-2f4d-4c6b-9e7a-1d2c3b4a5f60",
  role: "staff",
  patientId: null,
  timeZone: "Europe/London",
  orgTimeZone: "Europe/London",
});
const actor = makeActor();
const IDLE = ttl.sessionIdleSeconds * 1000;
const ABSOLUTE = ttl.sessionAbsoluteSeconds * 1000;

afterAll(closeRedis);

describe("Redis session store", () => {
  it("uses the documented defaults: 30 minutes idle, 12 hours absolute", () => {
    expect(ttl.sessionIdleSeconds).toBe(30 * 60);
    expect(ttl.sessionAbsoluteSeconds).toBe(12 * 60 * 60);
  });

  it("issues a fresh opaque id of at least 128 bits for every login", async () => {
    const first = await createSession(actor);
    const second = await createSession(actor);
    expect(first).not.toBe(second);
    expect(Buffer.from(first, "base64url").length).toBeGreaterThanOrEqual(16);
    expect(await readSession(first)).toEqual(actor);
  });

  it("slides the Redis expiry on every read", async () => {
    const id = await createSession(actor);
    await sessionRedis().expire(keys.session(id), 5);
    await readSession(id);
    expect(await sessionRedis().ttl(keys.session(id))).toBeGreaterThan(ttl.sessionIdleSeconds - 5);
  });

  it("ends a session idle for the idle timeout, measured from its last use (controllable clock)", async () => {
    const t0 = Date.UTC(2026, 0, 5, 9);
    const id = await createSession(actor, t0);
    // Used just before the idle timeout: alive, and the clock restarts from here.
    expect(await readSession(id, t0 + IDLE - 1)).not.toBeNull();
    // Nearly two idle periods after login but only just under one after the last use: still alive (sliding).
    expect(await readSession(id, t0 + 2 * IDLE - 2)).not.toBeNull();
    // One full idle period without use: gone, and its record with it.
    expect(await readSession(id, t0 + 3 * IDLE - 2)).toBeNull();
    expect(await sessionRedis().exists(keys.session(id))).toBe(0);
    expect(await sessionRedis().sismember(keys.userSessions(actor.userId), id)).toBe(0);
    // A later read with an earlier clock cannot bring it back.
    expect(await readSession(id, t0 + 1)).toBeNull();
  });

  it("ends a session at its absolute expiry, however active", async () => {
    const t0 = Date.UTC(2026, 0, 5, 9);
    const id = await createSession(actor, t0);
    // Active every half idle period for the whole absolute lifetime.
    let now = t0;
    for (; now + IDLE / 2 < t0 + ABSOLUTE; now += IDLE / 2) expect(await readSession(id, now)).not.toBeNull();
    expect(await readSession(id, t0 + ABSOLUTE - 1)).not.toBeNull();
    expect(await readSession(id, t0 + ABSOLUTE)).toBeNull();
    expect(await sessionRedis().exists(keys.session(id))).toBe(0);
  });

  it("forgets a deleted session and an unknown id, leaving nothing behind for unknown ids", async () => {
    const id = await createSession(actor);
    await deleteSession(id);
    expect(await readSession(id)).toBeNull();
    const probe = `no-such-session-${randomUUID()}`;
    expect(await readSession(probe)).toBeNull();
    expect(await sessionRedis().exists(keys.session(probe))).toBe(0);
    expect(await sessionRedis().sismember(keys.userSessions(actor.userId), id)).toBe(0);
  });

  it("revokes every session of one user and no one else's", async () => {
    const user = makeActor();
    const other = makeActor();
    const mine = [await createSession(user), await createSession(user), await createSession(user)];
    const theirs = await createSession(other);
    expect(await revokeUserSessions(user.userId)).toBe(3);
    for (const id of mine) expect(await readSession(id)).toBeNull();
    expect(await readSession(theirs)).toEqual(other);
    expect(await sessionRedis().exists(keys.userSessions(user.userId))).toBe(0);
  });

  it("lists sessions by handle, never by id, and revokes one by its handle", async () => {
    const user = makeActor();
    const first = await createSession(user, Date.now() - 1000, { ip: "203.0.113.9", userAgent: "Test browser" });
    const second = await createSession(user);
    const list = await listUserSessions(user.userId);
    expect(list.map((s) => s.handle).sort()).toEqual([sessionHandle(first), sessionHandle(second)].sort());
    expect(JSON.stringify(list)).not.toContain(first);
    expect(JSON.stringify(list)).not.toContain(second);
    expect(list.find((s) => s.handle === sessionHandle(first))).toMatchObject({ ip: "203.0.113.9", userAgent: "Test browser" });

    expect(await revokeSessionByHandle(user.userId, sessionHandle(first))).toBe(true);
    expect(await readSession(first)).toBeNull();
    expect(await readSession(second)).toEqual(user);
    // Another user's handle does nothing.
    expect(await revokeSessionByHandle(makeActor().userId, sessionHandle(second))).toBe(false);
    expect(await readSession(second)).toEqual(user);
  });

  it("fails closed with `unavailable` when the session store cannot be reached", async () => {
    const port = await freePort();
    const dead = new Redis(port, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, lazyConnect: true });
    dead.on("error", () => {});
    try {
      await withRedisConnections(dead, async () => {
        const error = await readSession("any-session").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe("unavailable");
        await expect(createSession(actor)).rejects.toMatchObject({ code: "unavailable" });
      });
    } finally {
      dead.disconnect();
    }
  });
});
