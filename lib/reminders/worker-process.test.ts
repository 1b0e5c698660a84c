import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import Redis from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb } from "@/lib/db/client";
import { createEvent } from "@/lib/events/create-event";
import { closeRedis } from "@/lib/redis/client";
import { createReminderOrganization, iso, ledgerOf, MINUTE } from "@/lib/testing/reminder-fixtures";
import { startSmtpSink, type ReceivedMail, type SmtpSink } from "@/lib/testing/smtp-sink";
import type { ReminderCounters } from "./stats";

/**
 * Workers as real processes (`scripts/worker.ts`, as `npm run worker` runs it), killed with SIGKILL at
 * the worst moments, on the real clock: reminders are due as the tests start. Each test gives its
 * workers a Redis key prefix of their own, so what a killed worker leaves pending concerns that test only.
 * Leases and reclaim times are shortened (3.5 s / 4 s) so a take-over happens within seconds.
 */
let sink: SmtpSink;
let prefix: string;
const children = new Set<ChildProcess>();
const ROOT = path.resolve(__dirname, "..", "..");

interface Worker {
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
}

function spawnWorker(orgId: string, name: string, extra: string[] = []): Worker {
  const args = [
    ...["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"],
    ...["--org", orgId, "--consumer", name, "--lease-ms", "3500", "--reclaim-idle-ms", "4000", "--redeliver-after-ms", "60000"],
    ...["--pass-interval-ms", "500", "--move-interval-ms", "100", "--smtp-timeout-ms", "3000", "--concurrency", "1"],
    ...extra,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, SMTP_URL: sink.url, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const output: string[] = [];
  child.stdout!.on("data", (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter(Boolean)));
  child.stderr!.on("data", (chunk: Buffer) => output.push(...chunk.toString().split("\n").filter(Boolean)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => (children.delete(child), resolve())));
  return { child, output, exited };
}

/** SIGTERM: the worker finishes what it is doing and prints its counters. */
async function stopWorker(worker: Worker): Promise<ReminderCounters> {
  worker.child.kill("SIGTERM");
  await worker.exited;
  const line = worker.output.find((l) => l.includes('"worker":"stopped"'));
  if (!line) throw new Error(`worker did not stop cleanly:\n${worker.output.join("\n")}`);
  return (JSON.parse(line) as { counters: ReminderCounters }).counters;
}

async function kill(worker: Worker): Promise<void> {
  worker.child.kill("SIGKILL");
  await worker.exited;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sentCount = async (orgId: string) => (await ledgerOf(orgId)).filter((r) => r.status === "sent").length;
const accepted = (mails: ReceivedMail[]) => mails.filter((m) => m.answered === "accept");

/** An appointment whose reminder (30 minutes before) is due now, or `inMs` from now. */
async function dueAppointment(org: Awaited<ReturnType<typeof createReminderOrganization>>["org"], patientIds: string[], inMs = 0) {
  const start = Date.now() + 30 * MINUTE + inMs;
  await createEvent(org.staff.actor, {
    title: "Appointment",
    start: iso(start),
    end: iso(start + 30 * MINUTE),
    timeZone: "America/New_York",
    patientIds,
    reminders: { minutesBefore: [30] },
    allowConflicts: true,
  });
}

beforeAll(async () => {
  sink = await startSmtpSink();
});
beforeEach(() => {
  prefix = `${process.env.REDIS_KEY_PREFIX ?? ""}workers-${randomUUID().slice(0, 8)}:`;
  sink.behave("accept");
});
afterEach(async () => {
  for (const child of children) child.kill("SIGKILL");
  sink.holdNewTransactions(false);
  // The test's own keys only.
  const redis = new Redis(process.env.SESSION_REDIS_URL ?? process.env.REDIS_URL!);
  const found = await redis.keys(`${prefix}*`);
  if (found.length) await redis.del(...found);
  redis.disconnect();
});
afterAll(async () => {
  await sink.close();
  await closeDb();
  await closeRedis();
});

describe("reminder workers as processes", () => {
  it("killing a worker between deliveries and starting another delivers each reminder once", async () => {
    const { org, emails } = await createReminderOrganization({ patients: 6 });
    await dueAppointment(org, org.patients.map((p) => p.id));
    let count = 0;
    sink.behave(() => {
      count += 1;
      // After the second delivery, the next transaction waits at MAIL FROM: the worker is between two.
      if (count === 2) sink.holdNewTransactions(true);
      return "accept";
    });

    const first = spawnWorker(org.id, "first");
    await waitFor("two deliveries and a third one waiting", () => count === 2 && sink.held() === 1);
    await kill(first);
    sink.holdNewTransactions(false);

    const second = spawnWorker(org.id, "second");
    await waitFor("all six reminders recorded as sent", async () => (await sentCount(org.id)) === 6);
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for a duplicate to show up
    for (const email of emails) expect(accepted(sink.to(email))).toHaveLength(1);

    const counters = await stopWorker(second);
    expect(counters.outcomes.sent).toBe(4);
    expect(counters.reclaimed).toBeGreaterThanOrEqual(1); // the first worker's unacknowledged message (XAUTOCLAIM)
    // The reminder the first worker had claimed when it died was taken over once its lease ran out.
    expect((await ledgerOf(org.id)).map((r) => r.attempts).sort()).toEqual([1, 1, 1, 1, 1, 2]);
  });

  it("killing a worker inside the SMTP transaction yields at most a duplicate, with the same Message-ID", async () => {
    const { org, emails } = await createReminderOrganization({ patients: 3 });
    await dueAppointment(org, org.patients.map((p) => p.id));
    let hung: ReceivedMail | null = null;
    // The first message is received in full and never answered: the outcome is unknown to the worker.
    sink.behave((mail) => (hung ? "accept" : ((hung = { ...mail, answered: "hang" }), "hang")));

    const first = spawnWorker(org.id, "first");
    await waitFor("a message inside its SMTP transaction", () => hung !== null);
    await kill(first);

    const second = spawnWorker(org.id, "second");
    await waitFor("all three reminders recorded as sent", async () => (await sentCount(org.id)) === 3);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const duplicated = hung!.to[0]!;
    const copies = sink.to(duplicated);
    expect(copies.map((m) => m.answered)).toEqual(["hang", "accept"]);
    expect(copies[1]!.messageId).toBe(copies[0]!.messageId);
    // The very same message, Date header included (only the MIME boundaries are drawn afresh).
    const unbounded = (raw: string) => raw.replace(/_NmP-[0-9a-f]+-Part_/g, "");
    expect(unbounded(copies[1]!.raw)).toBe(unbounded(copies[0]!.raw));
    for (const email of emails.filter((e) => e !== duplicated)) expect(sink.to(email)).toHaveLength(1);
    await stopWorker(second);
  });

  it("two app instances deliver each reminder once", async () => {
    const { org, emails } = await createReminderOrganization({ patients: 10 });
    const ids = org.patients.map((p) => p.id);
    await dueAppointment(org, ids.slice(0, 5));
    await dueAppointment(org, ids.slice(5));
    // And a second appointment each that comes due while both run.
    await dueAppointment(org, ids.slice(0, 5), 2500);
    await dueAppointment(org, ids.slice(5), 2500);

    const a = spawnWorker(org.id, "instance-a", ["--concurrency", "2"]);
    const b = spawnWorker(org.id, "instance-b", ["--concurrency", "2"]);
    await waitFor("all twenty reminders recorded as sent", async () => (await sentCount(org.id)) === 20);
    await new Promise((resolve) => setTimeout(resolve, 500));

    for (const email of emails) {
      const mails = sink.to(email);
      expect(accepted(mails)).toHaveLength(2);
      expect(new Set(mails.map((m) => m.messageId)).size).toBe(2);
    }
    const [ca, cb] = await Promise.all([stopWorker(a), stopWorker(b)]);
    expect(ca.outcomes.sent + cb.outcomes.sent).toBe(20);
    // Two worker processes start (tsx) before anything is delivered: slow on a busy machine.
  }, 60_000);
});
