import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { createSession, deleteSession, sessionAlive } from "@/lib/auth/session-store";
import type { LiveUpdate } from "@/lib/events/types";
import { cacheRedis, closeRedis, sessionRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { liveStream } from "./stream";

const actor = (): Actor => ({
  userId: randomUUID(),
  orgId: randomUUID(),
  role: "staff",
  patientId: null,
  timeZone: "Europe/London",
  orgTimeZone: "Europe/London",
});

const update = (): LiveUpdate => ({ eventId: randomUUID(), version: 1, deleted: false, patientIds: [randomUUID()] });

/** Reads the stream's text until `predicate` holds on everything read so far (or the stream ends). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, seen: { text: string; done: boolean }, predicate: (text: string) => boolean) {
  const decoder = new TextDecoder();
  while (!predicate(seen.text) && !seen.done) {
    const { value, done } = await reader.read();
    if (done) seen.done = true;
    else seen.text += decoder.decode(value);
  }
}

const publish = (orgId: string, message: LiveUpdate) => cacheRedis().publish(keys.liveChannel(orgId), JSON.stringify(message));

afterAll(() => closeRedis());

describe("the live stream", () => {
  it("delivers changes while the session lives, then ends with signed-out once it is revoked, delivering nothing more", async () => {
    const who = actor();
    const sessionId = await createSession(who);
    const abort = new AbortController();
    const reader = liveStream(who, abort.signal, () => sessionAlive(sessionId)).getReader();
    const seen = { text: "", done: false };

    // The hub subscribes asynchronously: publish until the first change comes through.
    const first = update();
    const repeat = setInterval(() => void publish(who.orgId, first), 50);
    await readUntil(reader, seen, (text) => text.includes(first.eventId));
    clearInterval(repeat);
    expect(seen.text).toContain("event: change");

    await deleteSession(sessionId);
    const second = update();
    await publish(who.orgId, second);
    await readUntil(reader, seen, () => false);
    expect(seen.done).toBe(true);
    expect(seen.text).toContain("event: signed-out");
    expect(seen.text).not.toContain(second.eventId);
    abort.abort();
  });

  it("ends by itself when the session is revoked and no change arrives", async () => {
    const who = actor();
    const sessionId = await createSession(who);
    const reader = liveStream(who, new AbortController().signal, () => sessionAlive(sessionId)).getReader();
    const seen = { text: "", done: false };
    await deleteSession(sessionId);
    await readUntil(reader, seen, () => false);
    expect(seen.text).toContain("event: signed-out");
  }, 15_000);

  it("sessionAlive does not slide the session, and says no for an unknown id", async () => {
    const who = actor();
    const sessionId = await createSession(who, 1_000);
    const before = await sessionRedis().hget(keys.session(sessionId), "lastSeenAt");
    expect(await sessionAlive(sessionId, 2_000)).toBe(true);
    expect(await sessionRedis().hget(keys.session(sessionId), "lastSeenAt")).toBe(before);
    expect(await sessionAlive(randomUUID())).toBe(false);
  });
});
