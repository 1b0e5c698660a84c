// The reminder worker as a process of its own (`npm run worker`): the same loops every app instance runs
// beside the app (lib/reminders/worker.ts). Configuration comes from the environment (lib/env.ts); the
// flags below tune it (tests use them to shorten leases and reclaim times):
//   --org <id>            only this organisation's schedule (repeatable; default: all)
//   --consumer <name>     consumer name in the group (default: host:pid:random)
//   --lease-ms, --reclaim-idle-ms, --redeliver-after-ms, --pass-interval-ms, --move-interval-ms,
//   --smtp-timeout-ms, --max-attempts, --backoff-base-ms, --concurrency, --batch-size   (numbers)
// SIGTERM / SIGINT stop it after the deliveries in progress and print its counters as one JSON line.
import { closeDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { closeRedis } from "@/lib/redis/client";
import { reminderCounters } from "@/lib/reminders/stats";
import { ReminderWorker, type ReminderWorkerOptions } from "@/lib/reminders/worker";

const NUMBERS: Record<string, keyof ReminderWorkerOptions> = {
  "--lease-ms": "leaseMs",
  "--reclaim-idle-ms": "reclaimIdleMs",
  "--redeliver-after-ms": "redeliverAfterMs",
  "--pass-interval-ms": "passIntervalMs",
  "--move-interval-ms": "moveIntervalMs",
  "--smtp-timeout-ms": "smtpTimeoutMs",
  "--max-attempts": "maxAttempts",
  "--backoff-base-ms": "backoffBaseMs",
  "--concurrency": "concurrency",
  "--batch-size": "batchSize",
};

function parseArgs(argv: string[]): ReminderWorkerOptions {
  const options: Record<string, unknown> = {};
  const orgs: string[] = [];
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--org") orgs.push(value);
    else if (flag === "--consumer") options.consumer = value;
    else if (NUMBERS[flag] && /^\d+$/.test(value)) options[NUMBERS[flag]] = Number(value);
    else throw new Error(`unknown or invalid flag ${flag} ${value} (see scripts/worker.ts)`);
  }
  if (orgs.length) options.organizations = orgs;
  return options as ReminderWorkerOptions;
}

let worker: ReminderWorker;
try {
  env();
  worker = new ReminderWorker(parseArgs(process.argv.slice(2)));
} catch (error) {
  console.error(`[worker] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
worker.start();
console.log(JSON.stringify({ worker: "started", consumer: worker.consumer, smtp: Boolean(env().SMTP_URL) }));

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  console.log(JSON.stringify({ worker: "stopped", consumer: worker.consumer, counters: reminderCounters() }));
  await Promise.allSettled([closeDb(), closeRedis()]);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
