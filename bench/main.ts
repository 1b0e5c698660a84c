/**
 * `npm run bench [-- --quick]`: issue 6's benchmark. See README.md, "Performance".
 *
 * Runs the production build against its own Postgres and Redis (bench/services.ts) with the seed's data
 * (bench/generate.ts), three app instances (cache on, cache off, and a second cache-on instance that
 * takes the mixed workload's writes), and measures from this separate process over HTTP with real
 * sessions. Never fails on a number; it fails only when something does not work.
 */
import { execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Redis from "ioredis";
import postgres from "postgres";
import { ensureBuild } from "../scripts/lib/build.mjs";
import { ROOT } from "../scripts/lib/util.mjs";
import { AppServer } from "./app-server";
import { measureBrowser } from "./browser";
import { GROUP_TITLE, SCALES, TITLES, type ScaleName } from "./generate";
import { login, send, type Session, type Target } from "./http";
import { addFailures, CpuMeter, latencyRun, percentile, percentiles, round, throughputRun, type Failures, type ModeResult } from "./measure";
import { addDays, feedPath, prng, runMixed, zoned, type MixedOrganization } from "./mixed";
import { markdown, updateReadme, type Target as Goal, type ViewResult } from "./report";
import { startServices, type BenchServices } from "./services";

// ---- options ---------------------------------------------------------------------------------------------

const USAGE = "npm run bench [-- --quick] [--scale=100k|1m|10m] [--no-browser] [--no-scaling] [--keep-services]";
const argv = process.argv.slice(2);
for (const arg of argv) {
  if (!/^--(quick|no-browser|no-scaling|keep-services|scale=(100k|1m|10m))$/.test(arg)) {
    console.error(`[bench] unknown argument ${arg}\nUsage: ${USAGE}`);
    process.exit(2);
  }
}
const quick = argv.includes("--quick");
const scale = (argv.find((a) => a.startsWith("--scale="))?.slice(8) ?? (quick ? "100k" : "1m")) as ScaleName;
const profile = quick
  ? { latencyMs: 2400, rpsMs: 1800, rounds: 3, mixedMs: 20_000, mixedWorkers: 4, writes: 20, browserRuns: 2, scalingMs: 0 }
  : { latencyMs: 12_000, rpsMs: 8000, rounds: 4, mixedMs: 60_000, mixedWorkers: 8, writes: 100, browserRuns: 5, scalingMs: 6000 };
const CONCURRENCY = 16;
const SEED = "cohort-bench-1";
const PASSWORD = "bench-password-1234";
const PATIENT_USERS = 2;
const DATABASE = "cohort_bench";
const ROLES = { cached: "bench_cached", uncached: "bench_uncached", writer: "bench_writer" } as const;

const envPort = (name: string, fallback: number) => {
  const raw = process.env[name];
  const port = raw ? Number(raw) : fallback;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a port`);
  return port;
};
const appPort = envPort("BENCH_PORT", 3071);
const pgPort = envPort("BENCH_PG_PORT", envPort("PG_PORT", 54329) + 1);
const redisPort = envPort("BENCH_REDIS_PORT", envPort("REDIS_PORT", 46379) + 1);
const dataDir = path.join(ROOT, ".data", "bench");
const resultsDir = path.join(ROOT, "bench", "results");

const began = Date.now();
const say = (line: string) => console.log(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(4)}s] ${line}`);

// ---- state ----------------------------------------------------------------------------------------------

let services: BenchServices | undefined;
const servers: AppServer[] = [];
let admin: postgres.Sql | undefined;
let redis: Redis | undefined;

async function cleanup() {
  for (const server of servers) await server.stop().catch(() => {});
  await admin?.end({ timeout: 2 }).catch(() => {});
  redis?.disconnect();
  if (services && !argv.includes("--keep-services")) {
    say("stopping the benchmark's Postgres and Redis");
    await services.stop().catch((e: Error) => console.error(`[bench] could not stop services: ${e.message}`));
  }
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n[bench] ${signal}: stopping what the benchmark started`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- helpers --------------------------------------------------------------------------------------------

/** Where a dataset lives: its database and its Redis key prefix (two datasets can share the servers). */
interface Store {
  database: string;
  prefix: string;
}
const MAIN: Store = { database: DATABASE, prefix: "bench:" };
const SMALL: Store = { database: `${DATABASE}_100k`, prefix: "bench100k:" };
const METRICS_TOKEN = crypto.randomBytes(24).toString("base64url");

function serverEnv(role: string, port: number, cacheMode: "on" | "off", secret: string, store: Store = MAIN): Record<string, string> {
  const url = services!.redisUrl;
  return {
    DATABASE_URL: services!.pgUrl(store.database, role),
    REDIS_URL: url,
    SESSION_REDIS_URL: url,
    REDIS_KEY_PREFIX: store.prefix,
    NEXTAUTH_SECRET: secret,
    NEXTAUTH_URL: `http://localhost:${port}`,
    CACHE_MODE: cacheMode,
    BENCH_MODE: "1",
    SEED_DEMO: "0",
    // The read instance's own count of what each request sent to Postgres (the mixed workload reads it).
    METRICS_TOKEN,
    // Issue 5's per-user API limit must not throttle a load test.
    API_RATE_LIMIT_PER_MINUTE: "100000000",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  };
}

/** Runs bench/tasks.ts with the app's modules and environment; its `@@result` line, parsed. */
async function task<T>(name: string, args: unknown, store: Store = MAIN, extraEnv: Record<string, string> = {}): Promise<T> {
  const env = {
    ...process.env,
    ...extraEnv,
    DATABASE_URL: services!.pgUrl(store.database),
    REDIS_URL: services!.redisUrl,
    SESSION_REDIS_URL: services!.redisUrl,
    REDIS_KEY_PREFIX: store.prefix,
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString("hex"),
    CACHE_MODE: "on",
    LOG_LEVEL: "warn",
  };
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), ["--conditions=react-server", path.join(ROOT, "bench", "tasks.ts"), name, JSON.stringify(args)], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number>((resolve) => child.once("close", (c) => resolve(c ?? 1)));
  const line = out.split("\n").find((l) => l.startsWith("@@result "));
  if (code !== 0 || !line) throw new Error(`bench task "${name}" failed (exit ${code})\n${out.slice(-2000)}`);
  return JSON.parse(line.slice(9)) as T;
}

async function redisInfo(section: string): Promise<Record<string, string>> {
  const text = await redis!.info(section);
  return Object.fromEntries(text.split("\r\n").filter((l) => l.includes(":")).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
}

/**
 * Statements the app's role ran so far (pg_stat_statements): all but the outbox reconciler's polling
 * (background work, not per request), and those reading occurrence data.
 */
async function roleCalls(role: string): Promise<{ total: number; data: number }> {
  const [row] = await admin!<{ total: string; data: string }[]>`
    SELECT coalesce(sum(s.calls) FILTER (WHERE s.query !~ 'FROM index_outbox\\s+WHERE created_at'), 0)::text AS total,
           coalesce(sum(s.calls) FILTER (WHERE s.query ~ '\\m(occurrences|occurrence_patients)\\M'), 0)::text AS data
    FROM pg_stat_statements(true) s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = ${role}`;
  return { total: Number(row!.total), data: Number(row!.data) };
}

/** Per statement (query text) calls of a role so far, to say which statements a phase ran. */
async function roleStatements(role: string): Promise<Map<string, number>> {
  const rows = await admin!<{ query: string; calls: string }[]>`
    SELECT regexp_replace(s.query, '\\s+', ' ', 'g') AS query, sum(s.calls)::text AS calls
    FROM pg_stat_statements(true) s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = ${role} GROUP BY 1`;
  return new Map(rows.map((r) => [r.query, Number(r.calls)]));
}

function topStatements(before: Map<string, number>, after: Map<string, number>, n = 6): { calls: number; query: string }[] {
  return [...after]
    .map(([query, calls]) => ({ calls: calls - (before.get(query) ?? 0), query: query.length > 200 ? `${query.slice(0, 200)}…` : query }))
    .filter((s) => s.calls > 0)
    .sort((a, b) => b.calls - a.calls)
    .slice(0, n);
}

const median = (values: number[]) => percentile(values, 0.5);
const ratio = (a: number, b: number) => round(a / b, 2) ?? NaN;

// ---- the run --------------------------------------------------------------------------------------------

type ModeName = "cached" | "uncached" | "floor" | "guarded";

interface ViewSpec {
  key: string;
  label: string;
  session: Session;
  path: string;
}

async function main() {
  const startedAt = new Date();
  const now = startedAt;
  say(`${quick ? "quick" : "full"} run, ${scale} occurrences; app servers on ${appPort}-${appPort + 2}, Postgres ${pgPort}, Redis ${redisPort}`);
  const loadStart = os.loadavg().map((l) => round(l, 2));

  // 1. Build and services.
  const buildStarted = Date.now();
  const built = await ensureBuild({ ...process.env, NEXT_TELEMETRY_DISABLED: "1" });
  say(built ? `built the app in ${((Date.now() - buildStarted) / 1000).toFixed(1)} s` : "the production build is up to date");
  services = await startServices({ dataDir, pgPort, redisPort, log: say });
  admin = postgres(services.pgUrl("postgres"), { max: 1, onnotice: () => {} });
  await admin`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`;
  redis = new Redis(services.redisUrl, { maxRetriesPerRequest: 2 });
  say(`benchmark services up: Postgres ${services.pgUrl(DATABASE)}, Redis ${services.redisUrl}`);

  const results: Record<string, unknown> = {
    version: 1,
    mode: quick ? "quick" : "full",
    startedAt: startedAt.toISOString(),
    git: gitInfo(),
  };

  // 2. Data.
  const dataset = await loadDataset(scale, now);
  results.dataset = dataset.summary;
  const load: Record<string, number> = { pgMs: dataset.pgMs, pgInsertMs: dataset.insertMs, pgVacuumMs: dataset.vacuumMs };
  results.load = load;
  // The full run's scaling point: 10× less data in a database and key prefix of its own, served by two more
  // instances, so that both sizes are measured alternately under the same conditions.
  const withScaling = !quick && !argv.includes("--no-scaling") && scale === "1m";
  const small = withScaling ? await loadDataset("100k", now, SMALL) : undefined;

  // 3. The index: FLUSHALL, then warm the whole dataset through the read path; memory per occurrence.
  const warmed = await warmIndex(dataset.range, "the whole dataset");
  load.indexMs = warmed.ms;
  if (small) await warmIndex(small.range, "the 100k dataset (scaling)", SMALL, false);
  results.redisBytesPerOccurrence = round(warmed.bytes / dataset.summary.occurrences, 0);
  results.redisMemory = { usedMemoryDelta: warmed.bytes, bytesPerSetMember: round(warmed.bytes / (dataset.summary.occurrences + dataset.summary.occurrencePatients), 0), incompleteWindows: warmed.incomplete };
  const pgSize = await pgBytes();
  results.pgBytesPerOccurrence = round(pgSize.total / dataset.summary.occurrences, 0);
  results.pgSize = pgSize;
  say(`memory: Redis ${results.redisBytesPerOccurrence} B/occurrence, Postgres ${results.pgBytesPerOccurrence} B/occurrence`);

  // 4. App servers and sessions.
  const secret = crypto.randomBytes(32).toString("base64url");
  const logDir = path.join(dataDir, "logs");
  fs.rmSync(logDir, { recursive: true, force: true });
  const cachedServer = new AppServer({ name: "cached", port: appPort, logDir, env: serverEnv(ROLES.cached, appPort, "on", secret) });
  const uncachedServer = new AppServer({ name: "uncached", port: appPort + 1, logDir, env: serverEnv(ROLES.uncached, appPort + 1, "off", secret) });
  const writerServer = new AppServer({ name: "writer", port: appPort + 2, logDir, env: serverEnv(ROLES.writer, appPort + 2, "on", secret) });
  servers.push(cachedServer, uncachedServer, writerServer);
  if (small) {
    servers.push(
      new AppServer({ name: "100k-cached", port: appPort + 3, logDir, env: serverEnv(ROLES.cached, appPort + 3, "on", secret, SMALL) }),
      new AppServer({ name: "100k-uncached", port: appPort + 4, logDir, env: serverEnv(ROLES.uncached, appPort + 4, "off", secret, SMALL) }),
    );
  }
  const startMs = await Promise.all(servers.map((s) => s.start()));
  say(`app servers ready (${startMs.map((ms) => `${ms} ms`).join(", ")}); logs in ${path.relative(ROOT, logDir)}`);

  const big = dataset.orgs[0]!;
  const staff = await login(appPort, big.staffEmail, PASSWORD);
  const patient = await login(appPort, big.patientEmails[0]!, PASSWORD);

  // 5. The views: cached, uncached, the floor and the guarded floor, alternated.
  const M = big.monday;
  const tz = big.timeZone;
  const week = { start: `${M}T00:00:00`, end: `${addDays(M, 7)}T00:00:00`, timeZone: tz };
  const specs: ViewSpec[] = [
    { key: "personalMonth", label: "Personal month (1 patient, own login)", session: patient, path: feedPath({ start: `${addDays(M, -7)}T00:00:00`, end: `${addDays(M, 35)}T00:00:00`, timeZone: tz }) },
    { key: "cohortWeek", label: "Cohort week (saved cohort of 100)", session: staff, path: feedPath({ ...week, cohort: big.cohortIds[0]! }) },
    { key: "selectionWeek", label: "Selection week (100 patient ids)", session: staff, path: feedPath({ ...week, patients: big.selection.join(",") }) },
    { key: "orgDay", label: "Organisation day (5,000 patients)", session: staff, path: feedPath({ start: `${addDays(M, 2)}T00:00:00`, end: `${addDays(M, 3)}T00:00:00`, timeZone: tz }) },
    { key: "orgWeek", label: "Organisation week (5,000 patients)", session: staff, path: feedPath(week) },
  ];
  const background = await backgroundRates();
  const views: Record<string, ViewResult> = {};
  const profileRows: { view: string; cached: string; uncached: string; floor: string; guarded: string }[] = [];
  for (const spec of specs) {
    const { result, cpu } = await measureView(spec, background);
    views[spec.key] = result;
    profileRows.push({ view: spec.label, ...cpu });
    say(
      `${spec.label}: ${result.occurrences} occurrences, cached p50 ${result.cached.p50} ms / ${Math.round(result.cached.rps)} req/s, ` +
        `uncached p50 ${result.uncached.p50} ms / ${Math.round(result.uncached.rps)} req/s, floor p50 ${result.floor?.p50} ms, guarded floor p50 ${result.guarded?.p50} ms (p50 ×${result.ratio.p50}, req/s ×${result.ratio.rps})`,
    );
  }
  results.views = views;
  results.profile = profileRows;

  // Scaling: the same requests at the other size, alternated with this size's.
  results.scaling = await scaling(views, dataset.summary.occurrences, specs, small);
  for (const server of servers.splice(3)) await server.stop();

  // 6. Writes, end to end.
  results.writes = await measureWrites(big, staff);

  // 7. Mixed workload on two cache-on instances (reads on one, writes on the other), then the consistency check.
  try {
    Object.assign(results, await mixedWorkload(dataset, background));
  } catch (error) {
    say(`mixed workload failed: ${(error as Error).message}`);
    results.mixed = { error: (error as Error).message };
  }

  // 8. Cold start: FLUSHALL, restart the cached instance, first organisation-day read; then the hot horizon.
  try {
    results.coldStart = await coldStart(cachedServer, dataset, specs.find((s) => s.key === "orgDay")!.path);
  } catch (error) {
    say(`cold start failed: ${(error as Error).message}`);
    results.coldStart = { error: (error as Error).message };
  }
  const staffAgain = await login(appPort, big.staffEmail, PASSWORD);

  // 9. The browser.
  if (!argv.includes("--no-browser")) {
    try {
      results.browser = await browser(staffAgain, big);
    } catch (error) {
      say(`browser measurement failed: ${(error as Error).message.split("\n")[0]}`);
      results.browser = { error: (error as Error).message.split("\n")[0] };
    }
  }

  for (const server of servers) await server.stop();
  results.machine = await machine(loadStart);
  results.finishedAt = new Date().toISOString();
  results.durationSeconds = Math.round((Date.now() - began) / 1000);
  results.targets = targets(results);
  save(results);
}

// ---- phases ---------------------------------------------------------------------------------------------

interface OrgInfo {
  id: string;
  slug: string;
  timeZone: string;
  monday: string;
  patients: number;
  staffEmail: string;
  patientEmails: string[];
  cohortIds: string[];
  patientIds: string[];
  selection: string[];
}

interface Dataset {
  summary: { scale: ScaleName; organizations: number; patients: number; events: number; occurrences: number; occurrencePatients: number; weeks: number };
  pgMs: number;
  insertMs: number;
  vacuumMs: number;
  orgs: OrgInfo[];
  /** UTC ms covered by occurrences (for the index warm-up). */
  range: { from: number; to: number };
}

async function loadDataset(size: ScaleName, now: Date, store: Store = MAIN): Promise<Dataset> {
  say(`loading ${size}: dropping and creating database ${store.database}`);
  await admin!.unsafe(`DROP DATABASE IF EXISTS ${store.database} WITH (FORCE)`);
  await admin!.unsafe(`CREATE DATABASE ${store.database}`);
  for (const role of Object.values(ROLES)) {
    const [exists] = await admin!`SELECT 1 FROM pg_roles WHERE rolname = ${role}`;
    if (!exists) await admin!.unsafe(`CREATE ROLE ${role} LOGIN SUPERUSER`);
  }
  const started = Date.now();
  const generated = await task<{ organizations: number; patients: number; events: number; occurrences: number; occurrencePatients: number; insertMs: number; vacuumMs: number; migrateMs: number }>(
    "load",
    { scale: size, seed: SEED, now: now.toISOString(), password: PASSWORD, patientUsers: PATIENT_USERS },
    store,
  );
  const pgMs = Date.now() - started;
  say(
    `Postgres loaded in ${(pgMs / 1000).toFixed(1)} s: ${generated.occurrences.toLocaleString("en-US")} occurrences, ` +
      `${generated.occurrencePatients.toLocaleString("en-US")} occurrence_patients rows (inserts ${(generated.insertMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(generated.vacuumMs / 1000).toFixed(1)} s)`,
  );

  const db = postgres(services!.pgUrl(store.database), { max: 1, onnotice: () => {} });
  try {
    const orgRows = await db<{ id: string; slug: string; time_zone: string; monday: string; patients: number }[]>`
      SELECT o.id, o.slug, o.time_zone, date_trunc('week', ${now.toISOString()}::timestamptz AT TIME ZONE o.time_zone)::date::text AS monday,
             (SELECT count(*) FROM patients p WHERE p.org_id = o.id)::int AS patients
      FROM organizations o ORDER BY o.slug`;
    const orgs: OrgInfo[] = [];
    for (const o of orgRows) {
      const patientIds = (await db<{ id: string }[]>`SELECT id FROM patients WHERE org_id = ${o.id} ORDER BY external_id`).map((r) => r.id);
      const cohortIds = (await db<{ id: string }[]>`SELECT id FROM cohorts WHERE org_id = ${o.id} ORDER BY name`).map((r) => r.id);
      const users = await db<{ email: string; role: string }[]>`SELECT email, role FROM users WHERE org_id = ${o.id} ORDER BY email`;
      orgs.push({
        id: o.id,
        slug: o.slug,
        timeZone: o.time_zone,
        monday: o.monday,
        patients: o.patients,
        staffEmail: users.find((u) => u.role === "staff")!.email,
        patientEmails: users.filter((u) => u.role === "patient").map((u) => u.email),
        cohortIds,
        patientIds,
        // An ad-hoc selection spread over the organisation: every 50th patient.
        selection: patientIds.filter((_, i) => i % Math.max(1, Math.floor(patientIds.length / 100)) === 0).slice(0, 100),
      });
    }
    const [range] = await db<{ from: string; to: string }[]>`
      SELECT (extract(epoch FROM min(start_at)) * 1000)::bigint::text AS from, (extract(epoch FROM max(end_at)) * 1000)::bigint::text AS to FROM occurrences`;
    // Big organisation first.
    orgs.sort((a, b) => b.patients - a.patients || a.slug.localeCompare(b.slug));
    return {
      summary: { scale: size, organizations: generated.organizations, patients: generated.patients, events: generated.events, occurrences: generated.occurrences, occurrencePatients: generated.occurrencePatients, weeks: SCALES[size].weeks },
      pgMs,
      insertMs: generated.insertMs,
      vacuumMs: generated.vacuumMs,
      orgs,
      range: { from: Number(range!.from), to: Number(range!.to) + 1 },
    };
  } finally {
    await db.end({ timeout: 2 });
  }
}

async function warmIndex(range: { from: number; to: number }, what: string, store: Store = MAIN, flush = true) {
  if (flush) await redis!.flushall();
  const before = Number((await redisInfo("memory")).used_memory);
  say(`warming the Redis index over ${what} (cache-aside reads of every organisation and patient)…`);
  const warm = await task<{ ms: number; windows: number; incomplete: number }>("warm", { from: range.from, to: range.to, patientBatch: 100, concurrency: 3 }, store);
  const after = Number((await redisInfo("memory")).used_memory);
  say(`index warmed in ${(warm.ms / 1000).toFixed(1)} s (${warm.windows} windows${warm.incomplete ? `, ${warm.incomplete} not hydrated` : ""}); Redis used_memory +${((after - before) / 1048576).toFixed(0)} MB`);
  return { ...warm, bytes: after - before };
}

async function pgBytes() {
  const db = postgres(services!.pgUrl(DATABASE), { max: 1, onnotice: () => {} });
  try {
    const [row] = await db<{ occurrences: string; links: string }[]>`
      SELECT pg_total_relation_size('occurrences')::text AS occurrences, pg_total_relation_size('occurrence_patients')::text AS links`;
    const occurrences = Number(row!.occurrences);
    const links = Number(row!.links);
    return { total: occurrences + links, occurrencesTable: occurrences, occurrencePatientsTable: links };
  } finally {
    await db.end({ timeout: 2 });
  }
}

/** Statements per second each app role runs while idle (the outbox reconciler's polling), to subtract. */
async function backgroundRates(): Promise<Record<string, number>> {
  const before = await Promise.all(Object.values(ROLES).map(roleCalls));
  const started = Date.now();
  await new Promise((r) => setTimeout(r, 3000));
  const after = await Promise.all(Object.values(ROLES).map(roleCalls));
  const seconds = (Date.now() - started) / 1000;
  return Object.fromEntries(Object.values(ROLES).map((role, i) => [role, (after[i]!.total - before[i]!.total) / seconds]));
}

async function measureView(spec: ViewSpec, background: Record<string, number>) {
  const targets: Record<ModeName, () => Target> = {
    cached: () => ({ port: appPort, path: spec.path, headers: { cookie: spec.session.cookie } }),
    uncached: () => ({ port: appPort + 1, path: spec.path, headers: { cookie: spec.session.cookie } }),
    // The same request (its query string and session cookie) as the feed's: what the framework costs for
    // it, not for a shorter one (Next parses a 100-id selection's long URL several times per request).
    floor: () => ({ port: appPort, path: `/api/bench/floor?key=${spec.key}&${spec.path.slice(spec.path.indexOf("?") + 1)}`, headers: { cookie: spec.session.cookie } }),
    // The floor plus what every read pays before its answer (session check, budget, audit entry): the least
    // any authenticated, audited read can cost here, so the best ratio any cache can reach.
    guarded: () => ({ port: appPort, path: `/api/bench/floor?key=${spec.key}&guard=1&${spec.path.slice(spec.path.indexOf("?") + 1)}`, headers: { cookie: spec.session.cookie } }),
  };
  const cachedReply = await send(targets.cached());
  const uncachedReply = await send(targets.uncached());
  for (const [mode, reply] of [["cached", cachedReply], ["uncached", uncachedReply]] as const) {
    if (reply.status !== 200) throw new Error(`${spec.label} (${mode}) answered ${reply.status}: ${reply.body.toString().slice(0, 300)}`);
  }
  const occurrences = (JSON.parse(cachedReply.body.toString()) as unknown[]).length;
  const put = await send({ port: appPort, method: "PUT", path: `/api/bench/floor?key=${spec.key}`, body: cachedReply.body, headers: { "content-type": "application/json", origin: `http://localhost:${appPort}` } });
  if (put.status !== 204) throw new Error(`the floor route answered ${put.status} (is BENCH_MODE set and app/api/bench/floor in the build?)`);
  for (const mode of ["floor", "guarded"] as const) {
    const reply = await send(targets[mode]());
    if (reply.status !== 200 || !reply.body.equals(cachedReply.body)) throw new Error(`the floor route (${mode}) did not answer the captured bytes (${reply.status})`);
  }

  const pids: Record<ModeName, number | undefined> = { cached: servers[0]!.pid, uncached: servers[1]!.pid, floor: servers[0]!.pid, guarded: servers[0]!.pid };
  const roles: Record<ModeName, string> = { cached: ROLES.cached, uncached: ROLES.uncached, floor: ROLES.cached, guarded: ROLES.cached };
  const modes: ModeName[] = ["cached", "uncached", "floor", "guarded"];
  // Warm each path (connections, JIT, caches) before measuring.
  for (const mode of modes) for (let i = 0; i < 10; i += 1) await send(targets[mode](), false);

  const byMode = <T>(make: () => T) => Object.fromEntries(modes.map((m) => [m, make()])) as Record<ModeName, T>;
  const latency = byMode<number[]>(() => []);
  const rps = byMode(() => ({ requests: 0, seconds: 0 }));
  const queries = byMode(() => ({ statements: 0, requests: 0 }));
  const cpu = byMode<Record<string, number>>(() => ({}));
  const failures = byMode<Failures>(() => ({}));
  for (let round = 0; round < profile.rounds; round += 1) {
    const order = round % 2 === 0 ? modes : [...modes].reverse();
    for (const mode of order) {
      const before = await roleCalls(roles[mode]);
      const started = Date.now();
      const { samples, failures: failed } = await latencyRun(targets[mode], profile.latencyMs / profile.rounds);
      const after = await roleCalls(roles[mode]);
      latency[mode].push(...samples);
      addFailures(failures[mode], failed);
      const seconds = (Date.now() - started) / 1000;
      queries[mode].statements += after.total - before.total - background[roles[mode]]! * seconds;
      queries[mode].requests += samples.length;
    }
    for (const mode of [...order].reverse()) {
      const meter = new CpuMeter({ app: pids[mode], postgres: services!.postmasterPid(), redis: services!.redisPid(), client: process.pid });
      const run = await throughputRun(targets[mode], CONCURRENCY, profile.rpsMs / profile.rounds);
      const used = meter.stop();
      rps[mode].requests += run.requests;
      addFailures(failures[mode], run.failures);
      rps[mode].seconds += run.seconds;
      for (const [k, v] of Object.entries(used)) cpu[mode][k] = (cpu[mode][k] ?? 0) + v;
    }
  }
  const result = (mode: ModeName): ModeResult => ({ ...percentiles(latency[mode]), rps: round(rps[mode].requests / rps[mode].seconds, 1)! });
  const cached = result("cached");
  const uncached = result("uncached");
  const floor = result("floor");
  const guarded = result("guarded");
  const perRequest = (mode: ModeName) => {
    const c = cpu[mode];
    const n = rps[mode].requests;
    return `${(c.app! / n).toFixed(2)} / ${(c.postgres! / n).toFixed(2)} / ${(c.redis! / n).toFixed(2)} / ${(c.client! / n).toFixed(2)}`;
  };
  const view: ViewResult = {
    label: spec.label,
    request: `GET ${spec.path.length > 160 ? `${spec.path.slice(0, 160)}…` : spec.path}`,
    occurrences,
    responseBytes: cachedReply.bytes,
    cachedEqualsUncached: cachedReply.body.equals(uncachedReply.body),
    cached,
    uncached,
    floor,
    guarded,
    ratio: { p50: ratio(uncached.p50, cached.p50), rps: ratio(cached.rps, uncached.rps) },
    toFloor: { cachedP50: ratio(cached.p50, floor.p50), uncachedP50: ratio(uncached.p50, floor.p50) },
    pgQueriesPerRequest: {
      cached: round(Math.max(0, queries.cached.statements) / queries.cached.requests, 3),
      uncached: round(Math.max(0, queries.uncached.statements) / queries.uncached.requests, 3),
    },
    cpuMsPerRequest: Object.fromEntries(modes.map((m) => [m, Object.fromEntries(Object.entries(cpu[m]).map(([k, v]) => [k, round(v / rps[m].requests, 3)]))])),
    samples: { cached: latency.cached.length, uncached: latency.uncached.length, floor: latency.floor.length, guarded: latency.guarded.length },
    failures,
    loadAverage: round(os.loadavg()[0]!, 2),
  };
  for (const mode of modes) {
    if (Object.keys(failures[mode]).length) say(`${spec.label} (${mode}): answers other than 200: ${JSON.stringify(failures[mode])} (left out of the latencies; see the server log)`);
  }
  return { result: view, cpu: { cached: perRequest("cached"), uncached: perRequest("uncached"), floor: perRequest("floor"), guarded: perRequest("guarded") } };
}

async function measureWrites(org: OrgInfo, session: Session) {
  const origin = `http://localhost:${appPort}`;
  const headers = { cookie: session.cookie, origin, "content-type": "application/json" };
  const create = async (body: Record<string, unknown>) => {
    const reply = await send({ port: appPort, method: "POST", path: "/api/events", headers, body: JSON.stringify(body) });
    if (reply.status !== 201) throw new Error(`POST /api/events answered ${reply.status}: ${reply.body.toString().slice(0, 300)}`);
    return reply.ms;
  };
  const single: number[] = [];
  const series: number[] = [];
  say(`writes: ${profile.writes} single events and ${profile.writes} year-long weekly series (conflict checks on)…`);
  for (let i = 0; i < profile.writes; i += 1) {
    // Evenings are free in the generated data, and every create has its own patient: no conflicts.
    const day = addDays(org.monday, 1 + (i % 5));
    single.push(await create({
      title: "Bench single", start: zoned(day, "19:00:00", org.timeZone), end: zoned(day, "19:30:00", org.timeZone),
      timeZone: org.timeZone, patientIds: [org.patientIds[1000 + i]!],
    }));
    series.push(await create({
      title: "Bench series", start: zoned(day, "19:30:00", org.timeZone), end: zoned(day, "20:00:00", org.timeZone),
      timeZone: org.timeZone, rrule: "FREQ=WEEKLY;COUNT=52", patientIds: [org.patientIds[2000 + i]!],
    }));
  }
  const out = { single: { ...percentiles(single), n: single.length }, series: { ...percentiles(series), n: series.length, occurrences: 52 } };
  say(`writes: single p50 ${out.single.p50} ms / p99 ${out.single.p99} ms; series p50 ${out.series.p50} ms / p99 ${out.series.p99} ms`);
  return out;
}

async function mixedWorkload(dataset: Dataset, background: Record<string, number>) {
  say(`mixed workload: ${profile.mixedMs / 1000} s, ${profile.mixedWorkers} clients, 95% reads on :${appPort}, 5% writes on :${appPort + 2}`);
  const sessions = new Map<string, Session>();
  const emails = dataset.orgs.flatMap((o) => [o.staffEmail, ...o.patientEmails]);
  for (let i = 0; i < emails.length; i += 4) {
    const batch = await Promise.all(emails.slice(i, i + 4).map((e) => login(appPort, e, PASSWORD)));
    for (const s of batch) sessions.set(s.email, s);
  }
  const db = postgres(services!.pgUrl(DATABASE), { max: 1, onnotice: () => {} });
  const organizations: MixedOrganization[] = [];
  const random = prng(7);
  try {
    for (const o of dataset.orgs) {
      const rows = await db<{ event_id: string; original_start: Date; start_at: Date; end_at: Date }[]>`
        SELECT DISTINCT ON (event_id) event_id, original_start, start_at, end_at FROM occurrences
        WHERE org_id = ${o.id} AND recurring AND array_length(patient_ids, 1) = 1
          AND start_at >= (${addDays(o.monday, 7)}::date::timestamp AT TIME ZONE ${o.timeZone})
          AND start_at < (${addDays(o.monday, 28)}::date::timestamp AT TIME ZONE ${o.timeZone})
        ORDER BY event_id, original_start`;
      const editable = rows.map((r) => ({ eventId: r.event_id, originalStart: r.original_start.toISOString(), start: r.start_at, end: r.end_at }));
      for (let i = editable.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [editable[i], editable[j]] = [editable[j]!, editable[i]!];
      }
      organizations.push({
        id: o.id,
        timeZone: o.timeZone,
        monday: o.monday,
        weight: o.patients,
        staff: sessions.get(o.staffEmail)!,
        patients: o.patientEmails.map((e) => sessions.get(e)!),
        patientIds: o.patientIds,
        cohortIds: o.cohortIds,
        editable: editable.slice(0, 5000),
      });
    }
  } finally {
    await db.end({ timeout: 2 });
  }

  const metricsBefore = await appMetrics();
  const statsBefore = await redisInfo("stats");
  const callsBefore = await roleCalls(ROLES.cached);
  const statementsBefore = await roleStatements(ROLES.cached);
  const started = Date.now();
  const mixed = await runMixed({
    readPort: appPort,
    writePort: appPort + 2,
    organizations,
    durationMs: profile.mixedMs,
    workers: profile.mixedWorkers,
    writeShare: 0.05,
    seed: 42,
    say,
  });
  const seconds = (Date.now() - started) / 1000;
  const callsAfter = await roleCalls(ROLES.cached);
  const statementsAfter = await roleStatements(ROLES.cached);
  const statsAfter = await redisInfo("stats");
  const metricsAfter = await appMetrics();
  const statements = Math.max(0, callsAfter.total - callsBefore.total - background[ROLES.cached]! * seconds);
  const dataStatements = callsAfter.data - callsBefore.data;
  const hits = Number(statsAfter.keyspace_hits) - Number(statsBefore.keyspace_hits);
  const misses = Number(statsAfter.keyspace_misses) - Number(statsBefore.keyspace_misses);
  say(`mixed: ${mixed.reads} reads (p50 ${mixed.readLatency.p50} ms, p99 ${mixed.readLatency.p99} ms), ${mixed.writes} writes (p99 ${mixed.writeLatency.p99} ms); ${dataStatements} occurrence queries, ${Math.round(statements)} statements on the read instance`);
  if (Object.keys(mixed.failures).length) say(`mixed: non-2xx answers ${JSON.stringify(mixed.failures)}`);

  // Quiet: wait until the outbox is drained (write-through or reconciler), then compare every organisation.
  const drainStarted = Date.now();
  const db2 = postgres(services!.pgUrl(DATABASE), { max: 1, onnotice: () => {} });
  let pending = 0;
  try {
    for (;;) {
      const [row] = await db2<{ n: number }[]>`SELECT count(*)::int AS n FROM index_outbox`;
      pending = row!.n;
      if (pending === 0 || Date.now() - drainStarted > 30_000) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await db2.end({ timeout: 2 });
  }
  say(`comparing the Redis index with Postgres for every organisation (compareIndex)…`);
  const consistency = await task<{ equal: boolean; differingSets: number; ms: number }>("compare", { libMaxOccurrences: 20_000 }, MAIN, {
    // Whole sets travel in the comparison's reads: more than the app's default command timeout.
    REDIS_COMMAND_TIMEOUT_MS: "60000",
  });
  say(`Redis ${consistency.equal ? "equals" : "DIFFERS FROM"} Postgres (${(consistency.ms / 1000).toFixed(1)} s)`);

  // What the reads themselves sent to Postgres, as the read instance attributes each statement to the request
  // that issued it (lib/db/query-attribution); the instance's background work (audit consumer, reminder
  // worker, reconciler) is reported beside it, not hidden.
  const feed = (name: string) => metricDelta(metricsBefore, metricsAfter, `${name}{method="GET",route="/api/events"}`);
  const readStatements = feed("cohort_http_pg_queries_total");
  const readsFromPostgres = feed("cohort_http_requests_reading_occurrences_total");
  const backgroundStatements = metricDelta(metricsBefore, metricsAfter, 'cohort_pg_queries_total{context="other"}');
  if (readStatements === null) say("mixed: the read instance's metrics are unavailable: queries per read fall back to every statement of its role");
  say(`mixed: the reads sent ${readStatements ?? "?"} statements to Postgres (${readsFromPostgres ?? "?"} reads read occurrences); background work ${backgroundStatements ?? "?"}`);
  const hitRatio = mixed.reads ? round(1 - Math.min(readsFromPostgres ?? dataStatements, mixed.reads) / mixed.reads, 4) : null;
  return {
    hitRatio,
    pgQueriesPerRead: mixed.reads ? round((readStatements ?? statements) / mixed.reads, 4) : null,
    mixed: {
      ...mixed,
      workers: profile.mixedWorkers,
      readInstance: appPort,
      writeInstance: appPort + 2,
      postgres: {
        statementsOfReads: readStatements,
        readsReadingOccurrences: readsFromPostgres,
        backgroundStatementsOnReadInstance: backgroundStatements,
        statementsOnReadInstance: Math.round(statements),
        occurrenceQueriesOnReadInstance: dataStatements,
        backgroundPerSecond: round(background[ROLES.cached]!, 2),
        topStatementsOnReadInstance: topStatements(statementsBefore, statementsAfter),
      },
      hitRatioDefinition: "1 - (reads that sent a statement about occurrences or occurrence_patients to Postgres, as the read instance attributes statements to requests) / reads: every read answered from Postgres or rehydrating the index sends at least one",
      redisKeyspace: { hits, misses },
      appMetrics: diffMetrics(metricsBefore, metricsAfter),
      outbox: { pendingAfterQuiet: pending, drainMs: Date.now() - drainStarted },
      consistency,
    },
  };
}

/** Prometheus text from /api/metrics when the app has it (issue 8); null otherwise. */
async function appMetrics(): Promise<Map<string, number> | null> {
  try {
    const reply = await send({ port: appPort, path: "/api/metrics", headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    if (reply.status !== 200 || !String(reply.headers["content-type"] ?? "").includes("text/plain")) return null;
    const out = new Map<string, number>();
    for (const line of reply.body.toString().split("\n")) {
      const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?)\s+([-+0-9.eE]+|NaN)$/.exec(line.trim());
      if (m && /hit|miss|cache|index|tier|pg_queries|reading_occurrences/i.test(m[1]!)) out.set(m[1]!, Number(m[2]));
    }
    return out;
  } catch {
    return null;
  }
}

function metricDelta(before: Map<string, number> | null, after: Map<string, number> | null, name: string): number | null {
  if (!before || !after) return null;
  return (after.get(name) ?? 0) - (before.get(name) ?? 0);
}

function diffMetrics(before: Map<string, number> | null, after: Map<string, number> | null): Record<string, number> | null {
  if (!before || !after) return null;
  const out: Record<string, number> = {};
  for (const [k, v] of after) if (v - (before.get(k) ?? 0) !== 0) out[k] = v - (before.get(k) ?? 0);
  return out;
}

async function coldStart(server: AppServer, dataset: Dataset, orgDayPath: string) {
  say("cold start: stopping the cached instance, FLUSHALL, starting it again…");
  await server.stop();
  await redis!.flushall();
  const restartMs = await server.start();
  const big = dataset.orgs[0]!;
  const small = dataset.orgs[1]!;
  const staff = await login(appPort, big.staffEmail, PASSWORD);
  // Load the route's code and connections with another organisation's read, so the timed read is the cache's cold start.
  const other = await login(appPort, small.staffEmail, PASSWORD);
  const warmup = await send({ port: appPort, path: feedPath({ start: `${small.monday}T00:00:00`, end: `${addDays(small.monday, 1)}T00:00:00`, timeZone: small.timeZone }), headers: { cookie: other.cookie } });
  if (warmup.status !== 200) throw new Error(`warm-up read answered ${warmup.status}`);
  const first = await send({ port: appPort, path: orgDayPath, headers: { cookie: staff.cookie } });
  const second = await send({ port: appPort, path: orgDayPath, headers: { cookie: staff.cookie } });
  if (first.status !== 200 || second.status !== 200) throw new Error(`organisation-day read answered ${first.status}/${second.status}`);
  say(`cold start: first organisation-day read ${first.ms.toFixed(1)} ms, the next ${second.ms.toFixed(1)} ms`);

  // The hot horizon: last, this and next week (local), every organisation's set and every patient's.
  await redis!.flushall();
  const from = Math.min(...dataset.orgs.map((o) => Date.parse(`${addDays(o.monday, -7)}T00:00:00Z`))) - 14 * 3600_000;
  const to = Math.max(...dataset.orgs.map((o) => Date.parse(`${addDays(o.monday, 14)}T00:00:00Z`))) + 14 * 3600_000;
  const hot = await task<{ ms: number; windows: number; incomplete: number }>("warm", { from, to, patientBatch: 100, concurrency: 3 });
  say(`cold start: hot horizon (${((to - from) / 86_400_000).toFixed(0)} days) of all organisations rehydrated in ${(hot.ms / 1000).toFixed(1)} s`);
  return {
    firstOrgDayMs: round(first.ms, 1),
    secondOrgDayMs: round(second.ms, 1),
    serverRestartMs: restartMs,
    hotHorizonMs: hot.ms,
    hotHorizonDays: Math.round((to - from) / 86_400_000),
    hotHorizonWindows: hot.windows,
    note: "FLUSHALL of the benchmark's own Redis and a restart of the cached instance (its in-process tier is empty too); a read of another organisation loads the route first. The hot horizon is rehydrated through readFromIndex.",
  };
}

async function browser(session: Session, org: OrgInfo) {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const date = addDays(org.monday, 2);
  const pagePath = `/calendar?view=week&date=${date}&cohort=${org.cohortIds[0]}`;
  say(`browser: ${profile.browserRuns} navigations to ${pagePath} in Chromium…`);
  const runs = await measureBrowser({ executablePath, port: appPort, sessionToken: session.token, path: pagePath, timeZone: org.timeZone, runs: profile.browserRuns, titles: [...TITLES, GROUP_TITLE] });
  const cohortShown = runs.every((r) => r.feedUrls.some((u) => u.includes("cohort=") || u.includes("/api/events/query")));
  const out = {
    page: pagePath,
    selection: cohortShown ? "cohort of 100" : "organisation week (this build's calendar did not take the cohort from the URL)",
    renderedMs: round(median(runs.map((r) => r.renderedMs)), 0),
    firstEventMs: round(median(runs.map((r) => r.firstEventMs)), 0),
    documentMs: round(median(runs.map((r) => r.documentMs)), 0),
    feedMs: round(median(runs.flatMap((r) => (r.feedMs === null ? [] : [r.feedMs]))), 0),
    events: runs[runs.length - 1]?.events,
    feedRequestsPerNavigation: runs[runs.length - 1]?.feedUrls.length,
    runs,
    note: "Each navigation in a fresh browser context (no HTTP cache): from page.goto to the appointments on screen. One navigation before these is not counted (the server's first render after its start).",
  };
  say(`browser: rendered week view in ${out.renderedMs} ms (median; first appointment ${out.firstEventMs} ms; ${out.selection})`);
  return out;
}

async function scaling(views: Record<string, ViewResult>, occurrences: number, specs: ViewSpec[], small: Dataset | undefined) {
  const keys = ["personalMonth", "cohortWeek", "orgDay"];
  type Lat = { p50: number; p95: number; p99: number };
  const point = (n: number, get: (key: string) => { cached: Lat; uncached: Lat }) => ({
    occurrences: n,
    views: Object.fromEntries(keys.map((k) => {
      const v = get(k);
      return [k, { cached: { p50: v.cached.p50, p95: v.cached.p95, p99: v.cached.p99 }, uncached: { p50: v.uncached.p50, p95: v.uncached.p95, p99: v.uncached.p99 } }];
    })),
  });
  if (!small) {
    return { points: [point(occurrences, (k) => views[k]!)], note: "one size only: the full run (`npm run bench`) measures these views at 1M and at 100k occurrences, alternately." };
  }
  try {
    // Same seed, same ids: the very same requests against both datasets, alternated round by round.
    const big = small.orgs[0]!;
    const sessions = {
      small: { staff: await login(appPort + 3, big.staffEmail, PASSWORD), patient: await login(appPort + 3, big.patientEmails[0]!, PASSWORD) },
      large: { staff: await login(appPort, big.staffEmail, PASSWORD), patient: await login(appPort, big.patientEmails[0]!, PASSWORD) },
    };
    const ports = { large: { cached: appPort, uncached: appPort + 1 }, small: { cached: appPort + 3, uncached: appPort + 4 } } as const;
    const samples: Record<string, Record<string, number[]>> = {};
    say(`scaling: ${keys.join(", ")} at ${small.summary.occurrences.toLocaleString("en-US")} and ${occurrences.toLocaleString("en-US")} occurrences, alternated…`);
    for (const key of keys) {
      const spec = specs.find((s) => s.key === key)!;
      samples[key] = {};
      const targets = (["large", "small"] as const).flatMap((size) => (["cached", "uncached"] as const).map((mode) => {
        const session = key === "personalMonth" ? sessions[size].patient : sessions[size].staff;
        return { name: `${size}-${mode}`, next: () => ({ port: ports[size][mode], path: spec.path, headers: { cookie: session.cookie } }) };
      }));
      for (const t of targets) for (let i = 0; i < 10; i += 1) await send(t.next(), false);
      for (let round = 0; round < profile.rounds; round += 1) {
        for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
          (samples[key][t.name] ??= []).push(...(await latencyRun(t.next, profile.scalingMs / profile.rounds)).samples);
        }
      }
    }
    const at = (size: string) => (k: string) => ({ cached: percentiles(samples[k]![`${size}-cached`]!), uncached: percentiles(samples[k]![`${size}-uncached`]!) });
    const smallPoint = point(small.summary.occurrences, at("small"));
    const largePoint = point(occurrences, at("large"));
    const out = {
      points: [smallPoint, largePoint],
      ratio: Object.fromEntries(keys.map((k) => [k, {
        cached: ratio(largePoint.views[k]!.cached.p50, smallPoint.views[k]!.cached.p50),
        uncached: ratio(largePoint.views[k]!.uncached.p50, smallPoint.views[k]!.uncached.p50),
      }])),
      note: "the same requests (same organisations, patients and windows) against 10× less data around them, measured alternately in the same run (a database and key prefix each, two more app instances).",
    };
    say(`scaling: ${keys.map((k) => `${k} cached ×${out.ratio[k]!.cached}, uncached ×${out.ratio[k]!.uncached}`).join("; ")}`);
    return out;
  } catch (error) {
    say(`scaling failed: ${(error as Error).message}`);
    return { points: [point(occurrences, (k) => views[k]!)], error: (error as Error).message };
  }
}

// ---- results --------------------------------------------------------------------------------------------

function gitInfo() {
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
      return null;
    }
  };
  return { commit: git("rev-parse", "HEAD"), branch: git("rev-parse", "--abbrev-ref", "HEAD"), dirty: (git("status", "--porcelain", "--untracked-files=no") ?? "") !== "" };
}

async function machine(loadStart: (number | null)[]) {
  const [pg] = await admin!<{ version: string; shared_buffers: string }[]>`SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS shared_buffers`;
  const info = await redisInfo("server");
  let osName = `${os.type()} ${os.release()}`;
  try {
    osName = /PRETTY_NAME="([^"]+)"/.exec(fs.readFileSync("/etc/os-release", "utf8"))?.[1] ?? osName;
  } catch {
    // keep uname
  }
  const pkg = (name: string) => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    } catch {
      return null;
    }
  };
  return {
    cpuModel: os.cpus()[0]?.model.trim(),
    cpus: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: osName,
    kernel: os.release(),
    node: process.versions.node,
    next: pkg("next"),
    postgres: pg?.version,
    postgresSharedBuffers: pg?.shared_buffers,
    redis: info.redis_version,
    loadAverageStart: loadStart,
    loadAverageEnd: os.loadavg().map((l) => round(l, 2)),
    sharing: "load client, three app instances, Postgres and Redis on this one machine",
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function targets(r: any): Goal[] {
  const v = r.views as Record<string, ViewResult>;
  const goal = (name: string, target: string, value: number | boolean | null | undefined, met: boolean | null, ceiling?: number): Goal => ({ name, target, value: value ?? null, met: value === null || value === undefined ? null : met, ...(ceiling === undefined ? {} : { ceiling }) });
  // The guarded floor is the same bytes from memory after the session check and audit entry every read
  // pays: no cache can beat it, so its ratio to the uncached path bounds ours.
  const both = (key: string, min: number) => {
    const { uncached, guarded, ratio: r2 } = v[key]!;
    return [
      goal(`${v[key]!.label}: uncached ÷ cached p50`, `≥ ${min}×`, r2.p50, r2.p50 >= min, guarded ? ratio(uncached.p50, guarded.p50) : undefined),
      goal(`${v[key]!.label}: cached ÷ uncached req/s`, `≥ ${min}×`, r2.rps, r2.rps >= min, guarded ? ratio(guarded.rps, uncached.rps) : undefined),
    ];
  };
  const scalingRatios = r.scaling?.ratio ? Object.values(r.scaling.ratio as Record<string, { cached: number }>).map((x) => x.cached) : [];
  const worstScaling = scalingRatios.length ? Math.max(...scalingRatios) : null;
  return [
    ...both("orgDay", 5),
    ...both("cohortWeek", 3),
    ...both("selectionWeek", 3),
    ...both("personalMonth", 1.3),
    goal("Organisation day: cached p50 ÷ floor p50", "≤ 1.5×", v.orgDay!.toFloor?.cachedP50, (v.orgDay!.toFloor?.cachedP50 ?? Infinity) <= 1.5),
    goal("Organisation day: uncached p50 ÷ floor p50", "≤ 6×", v.orgDay!.toFloor?.uncachedP50, (v.orgDay!.toFloor?.uncachedP50 ?? Infinity) <= 6),
    goal("Mixed workload: cache hit ratio", "≥ 0.95", r.hitRatio, r.hitRatio >= 0.95),
    goal("Mixed workload: Postgres queries per read", "≤ 0.05", r.pgQueriesPerRead, r.pgQueriesPerRead <= 0.05),
    goal("Redis equals Postgres after the mixed workload", "yes", r.mixed?.consistency?.equal, r.mixed?.consistency?.equal === true),
    goal("Latency at 1M ÷ latency at 100k (cached p50, worst view)", "≤ 1.2×", worstScaling, worstScaling !== null && worstScaling <= 1.2),
    goal("Redis bytes per occurrence", "≤ 400", r.redisBytesPerOccurrence, r.redisBytesPerOccurrence <= 400),
    goal("Create a single event, p50 (ms)", "< 10", r.writes?.single?.p50, r.writes?.single?.p50 < 10),
    goal("Create a year-long weekly series, p50 (ms)", "< 50", r.writes?.series?.p50, r.writes?.series?.p50 < 50),
    goal("Cohort week visible in the browser (ms)", "< 1000", r.browser?.renderedMs, r.browser?.renderedMs < 1000),
  ];
}

function save(results: Record<string, unknown>) {
  fs.mkdirSync(resultsDir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const stamp = String(results.finishedAt).replace(/[:]/g, "-").replace(/\.\d+Z$/, "Z");
  const dated = path.join(resultsDir, `${stamp}-${results.mode}.json`);
  fs.writeFileSync(path.join(resultsDir, "latest.json"), json);
  fs.writeFileSync(dated, json);
  const table = markdown(results);
  fs.writeFileSync(path.join(resultsDir, "latest.md"), `# Benchmark: latest results\n\n${table}\n`);
  const readme = updateReadme(path.join(ROOT, "README.md"), table);
  console.log(`\n${table}\n`);
  say(`results: ${path.relative(ROOT, path.join(resultsDir, "latest.json"))}, ${path.relative(ROOT, dated)}, bench/results/latest.md${readme ? ", README.md" : " (README.md has no results markers)"}`);
}

try {
  await main();
  await cleanup();
  say("done");
} catch (error) {
  console.error(`\n[bench] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await cleanup();
  process.exitCode = 1;
}
