import { withRedisConnections } from "@/lib/testing/swap-redis";
import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db/client";
import { closeRedis, sessionRedis } from "@/lib/redis/client";
import { AUDIT_CONSUMER_GROUP, keys } from "@/lib/redis/keys";
import { freePort } from "@/lib/testing/throwaway-redis";
import { createTestCohort, createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { ensureAuditGroup, processAuditBatch } from "./consumer";
import { auditEntry, recordAudit, type AuditEntry } from "./record";

let org: TestOrganization;
beforeAll(async () => {
  org = await createTestOrganization();
});
afterAll(async () => {
  await closeRedis();
  await closeDb();
});

/** A stream of this test's own, so other tests' entries and consumers do not interfere. */
async function ownStream(): Promise<string> {
  const stream = `${keys.auditStream()}:test-${randomUUID()}`;
  await ensureAuditGroup(sessionRedis(), stream);
  return stream;
}

const push = (stream: string, entry: AuditEntry) => sessionRedis().xadd(stream, "*", "e", JSON.stringify(entry));

async function rowsFor(entryIds: string[]) {
  return db().$sql<{ entry_id: string; action: string; patient_ids: string[]; ip: string | null; actor_user_id: string | null }[]>`
    SELECT entry_id, action, patient_ids, ip, actor_user_id FROM audit_log WHERE entry_id = ANY(${entryIds}::uuid[])`;
}

describe("audit trail", () => {
  it("moves stream entries into Postgres in one batch, acknowledged and removed from the stream", async () => {
    const stream = await ownStream();
    const patient = org.patients[0]!;
    const entries = Array.from({ length: 5 }, (_, i) =>
      auditEntry(org.staff.actor, { action: "events.read", patientIds: [patient.id], ip: `203.0.113.${i}` }),
    );
    for (const entry of entries) await push(stream, entry);
    expect(await processAuditBatch({ consumer: "c1", stream, blockMs: 10 })).toBe(5);
    const rows = await rowsFor(entries.map((e) => e.entryId));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({ action: "events.read", patient_ids: [patient.id], actor_user_id: org.staff.id });
    expect(await sessionRedis().xlen(stream)).toBe(0);
    const pending = (await sessionRedis().xpending(stream, AUDIT_CONSUMER_GROUP)) as [number];
    expect(pending[0]).toBe(0);
  });

  it("loses nothing when a consumer dies before acknowledging: another one claims and writes it, once", async () => {
    const stream = await ownStream();
    const entry = auditEntry(org.admin.actor, { action: "event.update", eventId: randomUUID(), patientIds: [org.patients[1]!.id] });
    await push(stream, entry);
    // Consumer "crashed" reads the entry and dies before writing it.
    const taken = await sessionRedis().xreadgroup("GROUP", AUDIT_CONSUMER_GROUP, "crashed", "COUNT", 10, "STREAMS", stream, ">");
    expect(taken).not.toBeNull();
    expect(await rowsFor([entry.entryId])).toHaveLength(0);
    // New entries go to a live consumer at once; the orphan waits until it has been idle long enough.
    expect(await processAuditBatch({ consumer: "survivor", stream, blockMs: 10, claimIdleMs: 60_000 })).toBe(0);
    expect(await processAuditBatch({ consumer: "survivor", stream, blockMs: 10, claimIdleMs: 0 })).toBe(1);
    expect(await rowsFor([entry.entryId])).toHaveLength(1);
    expect(await sessionRedis().xlen(stream)).toBe(0);
  });

  it("writes a redelivered entry once (committed, then the consumer died before XACK)", async () => {
    const stream = await ownStream();
    const entry = auditEntry(org.staff.actor, { action: "event.create", eventId: randomUUID(), patientIds: [org.patients[0]!.id] });
    await push(stream, entry);
    await processAuditBatch({ consumer: "first", stream, blockMs: 10 });
    // The same entry arrives again (as after a crash between the commit and XACK).
    await push(stream, entry);
    await processAuditBatch({ consumer: "second", stream, blockMs: 10 });
    expect(await rowsFor([entry.entryId])).toHaveLength(1);
  });

  it("records a cohort read with the cohort's members at that time", async () => {
    const stream = await ownStream();
    const members = org.patients.map((p) => p.id);
    const cohortId = await createTestCohort(org.id, `Audit cohort ${randomUUID().slice(0, 6)}`, members);
    const entry = auditEntry(org.staff.actor, { action: "events.read", cohortId });
    await push(stream, entry);
    await processAuditBatch({ consumer: "c", stream, blockMs: 10 });
    const [row] = await rowsFor([entry.entryId]);
    expect([...row!.patient_ids].sort()).toEqual([...members].sort());
  });

  it("keeps going past an entry Postgres can never accept", async () => {
    const stream = await ownStream();
    const good = auditEntry(org.staff.actor, { action: "events.read", allPatients: true });
    const bad = { ...auditEntry(org.staff.actor, { action: "events.read" }), occurredAt: "not a date" };
    await push(stream, bad as AuditEntry);
    await push(stream, good);
    await processAuditBatch({ consumer: "c", stream, blockMs: 10 });
    expect(await rowsFor([good.entryId])).toHaveLength(1);
    expect(await sessionRedis().xlen(stream)).toBe(0);
  });

  it("recordAudit appends to the stream the server's consumer reads", async () => {
    const latest = await sessionRedis().xrevrange(keys.auditStream(), "+", "-", "COUNT", 1);
    await recordAudit(org.patients[0]!.user.actor, { action: "events.read", patientIds: [org.patients[0]!.id], ip: "192.0.2.1" });
    const [newest] = await sessionRedis().xrevrange(keys.auditStream(), "+", "-", "COUNT", 1);
    expect(newest?.[0]).not.toBe(latest[0]?.[0]);
    const entry = JSON.parse(newest![1][1]!) as AuditEntry;
    expect(entry).toMatchObject({
      action: "events.read",
      orgId: org.id,
      actorUserId: org.patients[0]!.user.id,
      actorRole: "patient",
      patientIds: [org.patients[0]!.id],
      ip: "192.0.2.1",
    });
  });

  it("recordAudit writes straight to Postgres when the stream is unreachable", async () => {
    const dead = new Redis(await freePort(), { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, lazyConnect: true });
    dead.on("error", () => {});
    const marker = `fallback-${randomUUID()}`;
    try {
      await withRedisConnections(dead, () => recordAudit(org.staff.actor, { action: "events.read", allPatients: true, details: { marker } }));
    } finally {
      dead.disconnect();
    }
    const rows = await db().$sql`SELECT 1 FROM audit_log WHERE details->>'marker' = ${marker}`;
    expect(rows).toHaveLength(1);
  });

  it("refuses ids that are not UUIDs at the call, not later in the consumer", async () => {
    await expect(recordAudit(org.staff.actor, { action: "event.read", eventId: "42" })).rejects.toThrow(/not a UUID/);
  });

  it("is append-only: UPDATE, DELETE and TRUNCATE are refused", async () => {
    const entry = auditEntry(org.staff.actor, { action: "events.read", allPatients: true });
    const stream = await ownStream();
    await push(stream, entry);
    await processAuditBatch({ consumer: "c", stream, blockMs: 10 });
    const sql = db().$sql;
    await expect(sql`UPDATE audit_log SET action = 'nothing' WHERE entry_id = ${entry.entryId}`).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log WHERE entry_id = ${entry.entryId}`).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`).rejects.toThrow(/append-only/);
    expect(await rowsFor([entry.entryId])).toHaveLength(1);
  });
});
