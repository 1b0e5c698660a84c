/**
 * The benchmark's steps that run the app's own modules (`tsx --conditions=react-server bench/tasks.ts
 * <task> '<json>'`, with the app's environment): loading the data, warming the Redis index through the
 * read path, comparing the index with Postgres. Progress goes to stderr; the result is the last stdout
 * line, `@@result <json>`.
 */
import { hashPassword } from "@/lib/auth/passwords";
import { closeDb, db } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { compareIndex, expectedIndex, setDifference, templateDifference, type IndexDifference } from "@/lib/events/index/compare-index";
import { readFromIndex } from "@/lib/events/index/read-from-index";
import { cacheRedis, closeRedis, scanCache } from "@/lib/redis/client";
import { keys, units } from "@/lib/redis/keys";
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
  let errors = 0;
  // A window the index could not fill (a lock held elsewhere, a timeout under load) is tried again.
  const read = (scope: Parameters<typeof readFromIndex>[0], start: Date, end: Date) => async () => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        if ((await readFromIndex(scope, start, end)) !== null) return true;
      } catch (error) {
        errors += 1;
        if (attempt === 3) say(`warm-up read failed: ${(error as Error).message}`);
      }
      if (attempt === 3) return false;
    }
  };
  for (const org of orgs) {
    for (const [start, end] of windows(units.orgMs, DAY)) jobs.push(read({ orgId: org.id }, start, end));
    const mine = patients.filter((p) => p.org_id === org.id).map((p) => p.id);
    for (let i = 0; i < mine.length; i += args.patientBatch) {
      const batch = mine.slice(i, i + args.patientBatch);
      for (const [start, end] of windows(units.patientMs, units.patientMs)) jobs.push(read({ orgId: org.id, patientIds: batch }, start, end));
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
  return { ms: Date.now() - started, windows: jobs.length, incomplete: results.filter((ok) => !ok).length, errors, organizations: orgs.length, patients: patients.length };
}

/**
 * compareIndex's checks with chunked reads: every member a set holds must be what Postgres says now, every
 * hydrated unit must hold all of Postgres' occurrences in it, and every template must be current.
 * (compareIndex reads each set with one ZRANGE: fine for a test organisation, a command timeout for
 * 60,000+ occurrences.)
 */
async function compareLinear(orgId: string): Promise<IndexDifference[]> {
  const redis = cacheRedis();
  const expected = await expectedIndex(orgId);
  if (!expected) return [];
  const sets = new Set([...expected.sets.keys(), keys.orgEvents(orgId)]);
  for (const key of await scanCache(`${keys.patientEventsPrefix(orgId)}*:events`)) sets.add(key);

  const differences: IndexDifference[] = [];
  const CHUNK = 20_000;
  for (const set of sets) {
    const unit = set === keys.orgEvents(orgId) ? units.orgMs : units.patientMs;
    const held: string[] = [];
    for (let i = 0; ; i += CHUNK) {
      const part = await redis.zrange(set, String(i), String(i + CHUNK - 1));
      held.push(...part);
      if (part.length < CHUNK) break;
    }
    const difference = setDifference(set, held, expected.sets.get(set) ?? [], unit);
    if (difference) differences.push(difference);
  }
  const templates = templateDifference(keys.orgTemplates(orgId), await redis.hgetall(keys.orgTemplates(orgId)), expected.templates);
  if (templates) differences.push(templates);
  return differences;
}

/** Redis equals Postgres for every organisation; compareIndex itself too where it is fast enough. */
async function compare(args: { libMaxOccurrences?: number }) {
  const orgs = await db().$sql<{ id: string; slug: string; n: number }[]>`
    SELECT o.id, o.slug, (SELECT count(*) FROM occurrences x WHERE x.org_id = o.id)::int AS n FROM organizations o ORDER BY o.slug`;
  const started = Date.now();
  const limit = args.libMaxOccurrences ?? 20_000;
  const differences: { organization: string; check: string; set: string; extra: number; missing: number; sample: string[] }[] = [];
  let libChecked = 0;
  const jobs = orgs.map((org) => async () => {
    const note = (check: string, found: IndexDifference[]) => {
      for (const d of found) {
        differences.push({ organization: org.slug, check, set: d.set, extra: d.extra.length, missing: d.missing.length, sample: [...d.extra, ...d.missing].slice(0, 2).map((m) => m.slice(0, 160)) });
      }
    };
    note("linear", await compareLinear(org.id));
    if (org.n <= limit) {
      note("compareIndex", await compareIndex(org.id, { org: units.orgMs, patient: units.patientMs }));
      libChecked += 1;
    }
    say(`compared ${org.slug}: ${org.n} occurrences (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });
  await pool(jobs, 2);
  return {
    equal: differences.length === 0,
    organizations: orgs.length,
    checkedWithCompareIndex: libChecked,
    differingSets: differences.length,
    differences: differences.slice(0, 10),
    ms: Date.now() - started,
  };
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
  // Nothing may keep the task alive (a timer of a request still waiting after a failure).
  process.exit();
}
