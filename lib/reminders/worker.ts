import "server-only";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type Redis from "ioredis";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { createSubscriber, type RedisClient } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import {
  brokerRedis,
  ensureConsumerGroup,
  moveDue,
  pruneConsumers,
  readNew,
  reclaimStale,
  scheduledOrganizations,
  type StreamMessage,
} from "./broker";
import { deliver, type DeliveryContext, type Outcome } from "./deliver";
import { createMailer, type Mailer } from "./mailer";
import { organizationsToSchedule, pruneLedger, scheduleOrganization } from "./schedule";
import { countWork } from "./stats";

/**
 * The reminder worker: three loops over the broker. A schedule pass derives due reminders from Postgres
 * into each organisation's sorted set (every `passIntervalMs`, one instance per organisation per
 * interval, and at once for an event whose change arrives on the live channel); a mover hands due
 * members to the delivery stream; consumers of one consumer group deliver them (XREADGROUP), and take
 * over the messages of consumers that died (XAUTOCLAIM). Every app instance runs one (`npm start`);
 * `npm run worker` runs one on its own. Any number can run at once: see ./deliver for why each
 * reminder still goes out once.
 */
export interface ReminderWorkerOptions {
  /** This consumer's name in the group (unique per process). */
  consumer?: string;
  /** The clock (epoch ms); tests drive it. */
  now?: () => number;
  /** Only these organisations' schedules (a worker per shard of tenants; tests). Default: all. */
  organizations?: string[];
  /** SMTP server; null sends reminders to the log. Default: SMTP_URL. */
  smtpUrl?: string | null;
  passIntervalMs?: number;
  /** How far ahead of due a pass schedules reminders; keep it above the pass interval. */
  lookaheadMs?: number;
  moveIntervalMs?: number;
  blockMs?: number;
  leaseMs?: number;
  /** How long a message must sit unacknowledged with a consumer before another takes it over (> leaseMs). */
  reclaimIdleMs?: number;
  /** When a member handed to the stream is handed over again, should the message be lost (> reclaimIdleMs). */
  redeliverAfterMs?: number;
  smtpTimeoutMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  batchSize?: number;
  concurrency?: number;
}

export interface RunSummary {
  scheduled: number;
  moved: number;
  outcomes: Outcome[];
}

const defaults = {
  passIntervalMs: 30_000,
  lookaheadMs: 10 * 60_000,
  moveIntervalMs: 1000,
  blockMs: 500,
  leaseMs: 45_000,
  reclaimIdleMs: 60_000,
  redeliverAfterMs: 5 * 60_000,
  smtpTimeoutMs: 20_000,
  maxAttempts: 6,
  backoffBaseMs: 30_000,
  backoffMaxMs: 30 * 60_000,
  batchSize: 20,
  concurrency: 4,
};

export class ReminderWorker {
  readonly consumer: string;
  private readonly o: typeof defaults & { now: () => number; organizations?: string[] };
  private readonly mailer: Mailer;
  private readonly ctx: DeliveryContext;
  private running = false;
  private timers: NodeJS.Timeout[] = [];
  private loops: Promise<void>[] = [];
  private jobs = new Set<Promise<unknown>>();
  private connections: (Redis | RedisClient)[] = [];
  private errorsLogged = 0;
  /** When this process last pruned each organisation's ledger (hourly is plenty). */
  private pruned = new Map<string, number>();

  constructor(options: ReminderWorkerOptions = {}) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.o = { ...defaults, now: Date.now, ...given };
    this.consumer = options.consumer ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
    this.mailer = createMailer({
      smtpUrl: options.smtpUrl === undefined ? (env().SMTP_URL ?? null) : options.smtpUrl,
      timeoutMs: this.o.smtpTimeoutMs,
      connections: this.o.concurrency,
    });
    this.ctx = {
      consumer: this.consumer,
      now: this.o.now,
      mailer: this.mailer,
      fromAddress: env().SMTP_FROM,
      leaseMs: this.o.leaseMs,
      maxAttempts: this.o.maxAttempts,
      backoffBaseMs: this.o.backoffBaseMs,
      backoffMaxMs: this.o.backoffMaxMs,
    };
  }

  private wanted(orgId: string): boolean {
    return !this.o.organizations || this.o.organizations.includes(orgId);
  }

  /** A pass over the organisations' schedules; `locked` lets one instance per organisation do it per interval. */
  async schedulePass(locked = false): Promise<number> {
    let total = 0;
    for (const orgId of await organizationsToSchedule(this.o.organizations)) {
      if (locked) {
        const mine = await brokerRedis().set(keys.reminderRebuildLock(orgId), this.consumer, "PX", this.o.passIntervalMs, "NX");
        if (mine !== "OK") continue;
        if ((this.pruned.get(orgId) ?? 0) < Date.now() - 3_600_000) {
          await pruneLedger(orgId, this.o.now());
          this.pruned.set(orgId, Date.now());
        }
      }
      total += await scheduleOrganization(orgId, this.o.now(), this.o.lookaheadMs);
    }
    countWork("scheduled", total);
    return total;
  }

  /** Hands every organisation's due reminders to the stream. */
  async moveAll(): Promise<number> {
    const orgIds = (await scheduledOrganizations()).filter((orgId) => this.wanted(orgId));
    const moved = await moveDue(orgIds, this.o.now(), this.o.redeliverAfterMs, 200);
    countWork("moved", moved);
    return moved;
  }

  /** Delivers messages, `concurrency` at a time. */
  async process(messages: StreamMessage[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    let next = 0;
    const lane = async () => {
      while (next < messages.length) outcomes.push(await deliver(this.ctx, messages[next++]!));
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, messages.length) }, lane));
    return outcomes;
  }

  /** Takes over messages left unacknowledged too long (their consumer died) and delivers them. */
  async reclaim(minIdleMs = this.o.reclaimIdleMs): Promise<Outcome[]> {
    let messages: StreamMessage[];
    try {
      messages = await reclaimStale(this.consumer, minIdleMs, this.o.batchSize);
    } catch (error) {
      // On a fresh Redis the stream and its group appear with the first consumer: nothing to reclaim yet.
      if (!String((error as Error | null)?.message).startsWith("NOGROUP")) throw error;
      await ensureConsumerGroup();
      return [];
    }
    countWork("reclaimed", messages.length);
    return this.process(messages);
  }

  /** One round of everything without waiting: schedule, move, deliver all that is in the stream (tests, scripts). */
  async runOnce(): Promise<RunSummary> {
    await ensureConsumerGroup();
    const scheduled = await this.schedulePass();
    const moved = await this.moveAll();
    const outcomes: Outcome[] = [];
    for (;;) {
      const messages = await readNew(this.consumer, this.o.batchSize, null);
      if (messages.length === 0) break;
      outcomes.push(...(await this.process(messages)));
    }
    return { scheduled, moved, outcomes };
  }

  /** Starts the loops in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const every = (ms: number, job: () => Promise<unknown>) => {
      let busy = false;
      const tick = () => {
        if (busy || !this.running) return;
        busy = true;
        const running = job()
          .catch((error: unknown) => this.loopFailed(error))
          .finally(() => {
            busy = false;
            this.jobs.delete(running);
          });
        this.jobs.add(running);
      };
      tick();
      const timer = setInterval(tick, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.o.passIntervalMs, () => this.schedulePass(true));
    every(this.o.moveIntervalMs, () => this.moveAll());
    every(Math.max(250, Math.floor(this.o.reclaimIdleMs / 2)), () => this.reclaim());
    every(10 * 60_000, () => pruneConsumers(60 * 60_000));
    this.loops.push(this.consumeLoop());
    this.listenForChanges();
  }

  private async consumeLoop(): Promise<void> {
    // Blocking reads get a connection of their own, so they never delay other commands.
    const redis = brokerRedis().duplicate({ connectionName: "cohort-reminder-consumer", commandTimeout: this.o.blockMs + 5000 });
    redis.on("error", () => {});
    this.connections.push(redis);
    let groupReady = false;
    while (this.running) {
      try {
        if (!groupReady) await ensureConsumerGroup();
        groupReady = true;
        const messages = await readNew(this.consumer, this.o.batchSize, this.o.blockMs, redis);
        if (messages.length) await this.process(messages);
      } catch (error) {
        groupReady = false;
        this.loopFailed(error);
        if (this.running) await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** Committed event changes (the engine's live channel) reschedule that event's reminders at once. */
  private listenForChanges(): void {
    const subscriber = createSubscriber("cohort-reminder-changes");
    this.connections.push(subscriber);
    subscriber.on("ready", () => void subscriber.psubscribe(keys.liveChannel("*")).catch((error: unknown) => this.loopFailed(error)));
    subscriber.on("pmessage", (_pattern: string, channel: string, message: string) => {
      const orgId = channel.slice(channel.indexOf("{") + 1, channel.lastIndexOf("}"));
      let change: { eventId?: unknown; version?: unknown };
      try {
        change = JSON.parse(message) as typeof change;
      } catch {
        return; // the next pass covers it
      }
      const { eventId, version } = change;
      // Patient changes (renamed, archived: lib/patients) name no event; delivery checks archived patients itself.
      if (typeof eventId !== "string" || eventId === "" || !this.wanted(orgId)) return;
      // Every instance hears of the change; one reschedules it (if the claim cannot be asked, all do, as
      // rescheduling is idempotent; if the claimer dies, the next pass covers it).
      brokerRedis()
        .set(keys.reminderChangeClaim(orgId, eventId, String(version)), this.consumer, "PX", 60_000, "NX")
        .catch(() => "OK")
        .then((claimed) => (claimed === "OK" ? scheduleOrganization(orgId, this.o.now(), this.o.lookaheadMs, eventId) : 0))
        .catch((error: unknown) => this.loopFailed(error));
    });
  }

  private loopFailed(error: unknown): void {
    countWork("loopErrors");
    this.errorsLogged += 1;
    // Redis or Postgres away: every loop retries on its own; say so now and then, not every second.
    if (this.errorsLogged === 1 || this.errorsLogged % 60 === 0) {
      logger().warn({ err: { message: error instanceof Error ? error.message : String(error) } }, "reminder worker retrying");
    }
  }

  /** Stops the loops after the deliveries in progress; unacknowledged messages stay pending for others. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.allSettled([...this.loops, ...this.jobs]);
    this.loops = [];
    for (const connection of this.connections) connection.disconnect();
    this.connections = [];
    this.mailer.close();
  }
}

const globalForWorker = globalThis as unknown as { cohortReminderWorker?: ReminderWorker };

/** The worker of this process (once), as `npm start` runs it beside the app. */
export function startReminderWorker(options?: ReminderWorkerOptions): ReminderWorker {
  if (!globalForWorker.cohortReminderWorker) {
    globalForWorker.cohortReminderWorker = new ReminderWorker(options);
    globalForWorker.cohortReminderWorker.start();
  }
  return globalForWorker.cohortReminderWorker;
}

export async function stopReminderWorker(): Promise<void> {
  const worker = globalForWorker.cohortReminderWorker;
  globalForWorker.cohortReminderWorker = undefined;
  await worker?.stop();
}
