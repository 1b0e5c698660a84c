import "server-only";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type Redis from "ioredis";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { sessionRedis } from "@/lib/redis/client";
import { AUDIT_CONSUMER_GROUP, keys } from "@/lib/redis/keys";
import { insertAuditEntries, type AuditEntry } from "./record";

/**
 * Moves audit entries from the Redis stream into Postgres, in batches, through a consumer group:
 * XREADGROUP hands an entry to one consumer, which XACKs (and XDELs) it only after Postgres committed it.
 * An instance that dies between the two leaves the entry pending; the next pass of any consumer claims
 * it once it has been idle for AUDIT_CLAIM_IDLE_SECONDS (XAUTOCLAIM) and writes it again, where the unique
 * entry id makes the second insert a no-op. Nothing is lost, nothing is written twice.
 */
export interface ConsumerOptions {
  /** This consumer's name in the group (unique per process). */
  consumer: string;
  redis?: Redis;
  stream?: string;
  batchSize?: number;
  /** How long XREADGROUP waits for new entries (keep below the client's command timeout). */
  blockMs?: number;
  /** How long an entry must have been pending with another consumer before it is taken over. */
  claimIdleMs?: number;
}

type StreamEntry = [id: string, fields: string[]];

export async function ensureAuditGroup(redis: Redis = sessionRedis(), stream = keys.auditStream()): Promise<void> {
  try {
    // From the start of the stream: entries added before the group existed are audit entries too.
    await redis.xgroup("CREATE", stream, AUDIT_CONSUMER_GROUP, "0", "MKSTREAM");
  } catch (error) {
    if (!(error instanceof Error && error.message.includes("BUSYGROUP"))) throw error;
  }
}

/** One pass: this consumer's own unfinished entries, else others' stale ones, else new ones. Returns the count written. */
export async function processAuditBatch(options: ConsumerOptions): Promise<number> {
  const redis = options.redis ?? sessionRedis();
  const stream = options.stream ?? keys.auditStream();
  const count = options.batchSize ?? 500;
  const group = AUDIT_CONSUMER_GROUP;

  let entries = readReply(await redis.xreadgroup("GROUP", group, options.consumer, "COUNT", count, "STREAMS", stream, "0"));
  if (entries.length === 0) {
    const claimIdle = options.claimIdleMs ?? env().AUDIT_CLAIM_IDLE_SECONDS * 1000;
    const claimed = (await redis.xautoclaim(stream, group, options.consumer, claimIdle, "0-0", "COUNT", count)) as [
      string,
      StreamEntry[],
    ];
    entries = (claimed[1] ?? []).filter((e): e is StreamEntry => Array.isArray(e) && Array.isArray(e[1]));
  }
  if (entries.length === 0) {
    const block = options.blockMs ?? 500;
    const reply = await redis.xreadgroup("GROUP", group, options.consumer, "COUNT", count, "BLOCK", block, "STREAMS", stream, ">");
    entries = readReply(reply);
  }
  if (entries.length === 0) return 0;

  const parsed: AuditEntry[] = [];
  for (const [id, fields] of entries) {
    const entry = readEntry(fields[fields.indexOf("e") + 1]);
    // An entry that cannot be read now never will be: keep it out of the way (and out of Postgres), loudly.
    if (entry) parsed.push(entry);
    else logger().error({ streamId: id }, "unreadable audit entry skipped");
  }
  await insertBatch(await withCohortMembers(parsed));
  const ids = entries.map(([id]) => id);
  await redis.multi().xack(stream, group, ...ids).xdel(stream, ...ids).exec();
  return parsed.length;
}

/**
 * One insert for the batch; when Postgres refuses the data itself (SQLSTATE classes 22, 23: an entry that
 * can never be written), the entries go one by one and only the refused ones are logged and skipped, so one
 * bad entry cannot stall the trail. Any other failure leaves the whole batch pending for a retry.
 */
async function insertBatch(entries: AuditEntry[]): Promise<void> {
  try {
    await insertAuditEntries(entries);
  } catch (error) {
    if (!isDataError(error)) throw error;
    for (const entry of entries) {
      try {
        await insertAuditEntries([entry]);
      } catch (single) {
        if (!isDataError(single)) throw single;
        logger().error({ entryId: entry.entryId, action: entry.action, orgId: entry.orgId }, "audit entry refused by Postgres; skipped");
      }
    }
  }
}

function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}

const uuid = z.uuid();
const entrySchema = z.object({
  entryId: uuid,
  orgId: uuid,
  occurredAt: z.iso.datetime({ offset: true }),
  actorUserId: uuid.nullable(),
  actorRole: z.string().max(32),
  action: z.string().max(64),
  patientIds: z.array(uuid),
  allPatients: z.boolean(),
  eventId: uuid.nullable(),
  cohortId: uuid.nullable(),
  subjectUserId: uuid.nullable(),
  ip: z.string().max(64).nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

function readEntry(raw: string | undefined): AuditEntry | null {
  try {
    const parsed = entrySchema.safeParse(JSON.parse(raw ?? ""));
    return parsed.success ? (parsed.data as AuditEntry) : null;
  } catch {
    return null;
  }
}

function readReply(reply: unknown): StreamEntry[] {
  const streams = reply as [string, StreamEntry[]][] | null;
  return (streams?.[0]?.[1] ?? []).filter((e) => Array.isArray(e[1]) && e[1].length > 0);
}

/** A cohort read names the patients who were in the cohort when it was read (a moment ago). */
async function withCohortMembers(entries: AuditEntry[]): Promise<AuditEntry[]> {
  const cohortIds = [...new Set(entries.filter((e) => e.cohortId && e.patientIds.length === 0).map((e) => e.cohortId!))];
  if (cohortIds.length === 0) return entries;
  const rows = await db().$sql<{ cohort_id: string; org_id: string; members: string[] }[]>`
    SELECT c.id AS cohort_id, c.org_id, coalesce(array_agg(m.patient_id) FILTER (WHERE m.patient_id IS NOT NULL), '{}') AS members
    FROM cohorts c LEFT JOIN cohort_members m ON m.cohort_id = c.id
    WHERE c.id = ANY(${cohortIds}::uuid[])
    GROUP BY c.id`;
  const members = new Map(rows.map((r) => [`${r.org_id}/${r.cohort_id}`, r.members]));
  return entries.map((e) =>
    e.cohortId && e.patientIds.length === 0 ? { ...e, patientIds: members.get(`${e.orgId}/${e.cohortId}`) ?? [] } : e,
  );
}

const globalForAudit = globalThis as unknown as { cohortAuditConsumer?: { stop: () => Promise<void> } };
const BATCH_SIZE = 500;
const GATHER_MS = 250;

/** Starts the background consumer of this process (once); `stop()` ends it after the current pass. */
export function startAuditConsumer(): { stop: () => Promise<void> } {
  if (globalForAudit.cohortAuditConsumer) return globalForAudit.cohortAuditConsumer;
  const consumer = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  // Blocking reads get a connection of their own, so they never delay the requests' commands.
  const redis = sessionRedis().duplicate({ connectionName: "cohort-audit-consumer", commandTimeout: 5000 });
  redis.on("error", () => {});
  let running = true;
  const loop = (async () => {
    let failures = 0;
    let needGroup = true;
    while (running) {
      try {
        if (needGroup) await ensureAuditGroup(redis);
        needGroup = false;
        const written = await processAuditBatch({ consumer, redis, batchSize: BATCH_SIZE });
        failures = 0;
        // A part batch: let the stream gather more before the next pass. Fewer, larger inserts cost Postgres
        // far less per entry (commit, WAL, index pages), and the entries are safe in the stream meanwhile.
        if (written > 0 && written < BATCH_SIZE) await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
      } catch (error) {
        // Redis or Postgres away: the entries wait in the stream (pending ones are retried) until they return.
        failures += 1;
        needGroup = true;
        if (failures === 1 || failures % 60 === 0) {
          logger().warn({ err: { message: error instanceof Error ? error.message : String(error) } }, "audit consumer retrying");
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(failures * 250, 5000)));
      }
    }
  })();
  globalForAudit.cohortAuditConsumer = {
    async stop() {
      running = false;
      await loop;
      redis.disconnect();
      globalForAudit.cohortAuditConsumer = undefined;
    },
  };
  return globalForAudit.cohortAuditConsumer;
}
