/**
 * The benchmark's steps that run the app's own modules (`tsx --conditions=react-server bench/tasks.ts
 * <task> '<json>'`, with the app's environment): loading the data, warming the Redis index through the
 * read path, comparing the index with Postgres. Progress goes to stderr; the result is the last stdout
 * line, `@@result <json>`.
 */
import { hashPassword } from "@/lib/auth/passwords";
import { closeDb, db } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { compareIndex } from "@/lib/events/index/compare-index";
import { readFromIndex } from "@/lib/events/index/read-from-index";
import { closeRedis } from "@/lib/redis/client";
import { units } from "@/lib/redis/keys";
import { generate, seedOrganizations, SCALES, type ScaleName } from "./generate";

const say = (line: string) => process.stderr.write(`[bench:task] ${line}\n`);
const DAY = 86_400_000;

async function pool<T>(jobs: (() => Promise<T>)[], concurrency: number, progress?: (done: number) => void): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
        done += 1;
        progress?.(done);
      }
    }),
  );
  return out;
}

interface LoadArgs {
  scale: ScaleName;
  seed: string;
  now: string;
  password: string;
  patientUsers: number;
}

async function load(args: LoadArgs) {
  const migrateStarted = Date.now();
  await runMigrations();
  const migrateMs = Date.now() - migrateStarted;
  const passwordHash = await hashPassword(args.password);
  const { weeks, weeksBefore } = SCALES[args.scale];
  say(`generating ${args.scale}: 10 organisations, ${weeks} weeks of weekly series…`);
  const result = await generate(db().$sql, {
    seed: args.seed,
    slugPrefix: "bench",
    organizations: seedOrganizations(),
    weeks,
    weeksBefore,
    now: new Date(args.now),
    passwordHash,
    patientUsers: args.patientUsers,
    vacuum: true,
  });
  return { ...result, migrateMs };
}

interface WarmArgs {
  /** UTC ms range to warm (aligned outwards to the index's units). */
  from: number;
  to: number;
  patientBatch: number;
  concurrency: number;
}

/** Fills the index through its read path (cache-aside hydration), for every organisation and patient. */
async function warm(args: WarmArgs) {
  const sql = db().$sql;
  const orgs = await sql<{ id: string }[]>`SELECT id FROM organizations ORDER BY slug`;
  const patients = await sql<{ id: string; org_id: string }[]>`SELECT id, org_id FROM patients ORDER BY org_id, external_id`;
  const jobs: (() => Promise<boolean>)[] = [];
  const windows = (unit: number, span: number) => {
    const out: [Date, Date][] = [];
    for (let t = Math.floor(args.from / unit) * unit; t < args.to; t += span) out.push([new Date(t), new Date(Math.min(t + span, Math.ceil(args.to / unit) * unit))]);
    return out;
  };
  for (const org of orgs) {
    for (const [start, end] of windows(units.orgMs, 7 * DAY)) jobs.push(async () => (await readFromIndex({ orgId: org.id }, start, end)) !== null);
    const mine = patients.filter((p) => p.org_id === org.id).map((p) => p.id);
    for (let i = 0; i < mine.length; i += args.patientBatch) {
      const batch = mine.slice(i, i + args.patientBatch);
      for (const [start, end] of windows(units.patientMs, units.patientMs)) {
        jobs.push(async () => (await readFromIndex({ orgId: org.id, patientIds: batch }, start, end)) !== null);
      }
    }
  }
  const started = Date.now();
  let shown = 0;
  const results = await pool(jobs, args.concurrency, (done) => {
    if (done - shown >= Math.max(50, jobs.length / 10)) {
      shown = done;
      say(`index warm-up: ${done}/${jobs.length} windows (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  });
  return { ms: Date.now() - started, windows: jobs.length, incomplete: results.filter((ok) => !ok).length, organizations: orgs.length, patients: patients.length };
}

/** compareIndex for every organisation: every member Redis holds is what Postgres says now. */
async function compare() {
  const orgs = await db().$sql<{ id: string; slug: string }[]>`SELECT id, slug FROM organizations ORDER BY slug`;
  const started = Date.now();
  const differences: { organization: string; set: string; extra: number; missing: number; sample: string[] }[] = [];
  for (const org of orgs) {
    for (const d of await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs })) {
      differences.push({ organization: org.slug, set: d.set, extra: d.extra.length, missing: d.missing.length, sample: [...d.extra, ...d.missing].slice(0, 2).map((m) => m.slice(0, 160)) });
    }
  }
  return { equal: differences.length === 0, organizations: orgs.length, differingSets: differences.length, differences: differences.slice(0, 10), ms: Date.now() - started };
}

const tasks: Record<string, (args: never) => Promise<unknown>> = { load, warm, compare };

async function main() {
  const [name, json] = process.argv.slice(2);
  const task = name ? tasks[name] : undefined;
  if (!task) throw new Error(`unknown task ${name}; one of ${Object.keys(tasks).join(", ")}`);
  const result = await task((json ? JSON.parse(json) : {}) as never);
  process.stdout.write(`@@result ${JSON.stringify(result)}\n`);
}

try {
  await main();
} catch (error) {
  console.error("[bench:task] failed:", error);
  process.exitCode = 1;
} finally {
  await closeDb();
  await closeRedis();
}
