import { afterAll, describe, expect, it } from "vitest";
import { closeRedis, sessionRedis } from "@/lib/redis/client";
import { keys, ttl } from "@/lib/redis/keys";
import type { Actor } from "./actor";
import { createSession, deleteSession, readSession } from "./session-store";

const actor: Actor = {
  userId: "7d7c4f3e-3c1e-4a57-a1a2-0c5b8d1f0e11",
  orgId: "5a8e0b3c-2f4d-4c6b-9e7a-1d2c3b4a5f60",
  role: "staff",
  patientId: null,
  timeZone: "Europe/London",
  orgTimeZone: "Europe/London",
};

afterAll(closeRedis);

describe("Redis session store", () => {
  it("issues a fresh opaque id of at least 128 bits for every login", async () => {
    const first = await createSession(actor);
    const second = await createSession(actor);
    expect(first).not.toBe(second);
    expect(Buffer.from(first, "base64url").length).toBeGreaterThanOrEqual(16);
    expect(await readSession(first)).toEqual(actor);
  });

  it("slides the idle expiry on every read", async () => {
    const id = await createSession(actor);
    await sessionRedis().expire(keys.session(id), 5);
    await readSession(id);
    expect(await sessionRedis().ttl(keys.session(id))).toBeGreaterThan(ttl.sessionIdleSeconds - 5);
  });

  it("ends a session at its absolute expiry, however active", async () => {
    const started = Date.now();
    const id = await createSession(actor, started);
    expect(await readSession(id, started + ttl.sessionAbsoluteSeconds * 1000 - 1)).not.toBeNull();
    expect(await readSession(id, started + ttl.sessionAbsoluteSeconds * 1000)).toBeNull();
    expect(await sessionRedis().exists(keys.session(id))).toBe(0);
  });

  it("forgets a deleted session and an unknown id", async () => {
    const id = await createSession(actor);
    await deleteSession(id);
    expect(await readSession(id)).toBeNull();
    expect(await readSession("no-such-session")).toBeNull();
    expect(await sessionRedis().sismember(keys.userSessions(actor.userId), id)).toBe(0);
  });
});
