// Redis: REDIS_URL when set, else a local redis-server (daemonised, AOF on) in .data/redis.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  DATA_DIR, aptInstall, exec, fail, isPortFree, logger, pidAlive, portFromEnv, rel, tail, waitFor,
  which,
} from './util.mjs';

const log = logger('services');

export const REDIS_DIR = path.join(DATA_DIR, 'redis');
export const REDIS_PID = path.join(REDIS_DIR, 'redis.pid');
export const REDIS_LOG = path.join(REDIS_DIR, 'redis.log');
// Redis Cluster needs port + 10000 for its bus: keep local ports cluster-compatible.
const MAX_PORT = 55535;

/** PING over a raw connection (local, no auth): true when the server answers +PONG. */
export function rawPing(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** PING through ioredis (handles auth, TLS and db in the URL); throws a readable error. */
async function urlPing(url, name) {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 3000,
    commandTimeout: 3000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError;
  client.on('error', (err) => (lastError = err));
  try {
    await client.connect();
    const pong = await client.ping();
    if (pong !== 'PONG') throw new Error(`unexpected reply ${pong}`);
  } catch (err) {
    let shown = url;
    try {
      const u = new URL(url);
      if (u.password) u.password = '***';
      shown = u.toString();
    } catch {
      // keep as is
    }
    fail(`${name} (${shown}) does not answer PING: ${(lastError || err).message}`);
  } finally {
    client.disconnect();
  }
}

function readPid() {
  try {
    const pid = Number(fs.readFileSync(REDIS_PID, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The pid of the redis-server we started (from our pidfile), when that process is still alive. */
export function ourRedisPid() {
  const pid = readPid();
  if (!pid || !pidAlive(pid)) return null;
  try {
    // Guard against pid reuse after a reboot: the process must be a redis-server.
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('redis-server')) return null;
  } catch {
    // no /proc (macOS): trust the pidfile
  }
  return pid;
}

export async function redisServerBinary() {
  const found = which('redis-server');
  if (found) return found;
  log('redis-server is not installed');
  if (await aptInstall(['redis-server'], log)) {
    const installed = which('redis-server');
    if (installed) return installed;
  }
  return fail(
    'redis-server is not available. Install the redis-server package ' +
      '(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
  );
}

/** Starts (or reuses) the local redis-server; returns { port, started }. */
async function ensureLocal() {
  const port = portFromEnv('REDIS_PORT', 46379, MAX_PORT);
  fs.mkdirSync(REDIS_DIR, { recursive: true });

  const running = ourRedisPid();
  if (running) {
    if (await rawPing(port)) return { port, started: false };
    fail(
      `the redis-server from ${rel(REDIS_DIR)} (pid ${running}) runs but does not answer on REDIS_PORT=${port}.\n` +
        '  It was probably started with another REDIS_PORT: run `npm run services:stop` and try again.',
    );
  }
  fs.rmSync(REDIS_PID, { force: true });

  if (!(await isPortFree(port))) {
    fail(
      `port ${port} (for the local redis-server) is already in use by another process.\n` +
        `  Set REDIS_PORT to a free port ≤ ${MAX_PORT} (e.g. REDIS_PORT=${port + 1}), or set REDIS_URL.`,
    );
  }

  const bin = await redisServerBinary();
  log(`starting redis-server on 127.0.0.1:${port} (dir ${rel(REDIS_DIR)}, log ${rel(REDIS_LOG)})`);
  const start = await exec(bin, [
    '--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes',
    '--pidfile', REDIS_PID, '--logfile', REDIS_LOG, '--dir', REDIS_DIR, '--appendonly', 'yes',
  ], { cwd: REDIS_DIR });
  if (start.code !== 0) {
    fail(`redis-server failed to start (exit ${start.code}): ${(start.stdout + start.stderr).trim()}\n${tail(REDIS_LOG)}`);
  }
  const ready = await waitFor(async () => {
    if (await rawPing(port, '127.0.0.1', 500)) return 'up';
    // The daemon writes its pidfile soon after forking; once it has, a dead pid means it exited.
    const pid = readPid();
    if (pid && !pidAlive(pid)) return 'died';
    return null;
  }, { timeoutMs: 10000, intervalMs: 25 });
  if (ready !== 'up') {
    fail(
      `redis-server ${ready === 'died' ? 'exited right after starting' : 'did not answer PING within 10 s'}.\n` +
        `  Last lines of ${rel(REDIS_LOG)}:\n${tail(REDIS_LOG)}`,
    );
  }
  return { port, started: true };
}

/**
 * Ensures Redis and returns { url, sessionUrl, provisioned, started }.
 * Honours REDIS_URL, SESSION_REDIS_URL (defaults to REDIS_URL), REDIS_PORT (default 46379) and DATA_DIR.
 */
export async function ensureRedis() {
  const external = process.env.REDIS_URL;
  let url;
  let provisioned = false;
  let started = false;
  if (external) {
    await urlPing(external, 'REDIS_URL');
    url = external;
  } else {
    const local = await ensureLocal();
    url = `redis://127.0.0.1:${local.port}`;
    provisioned = true;
    started = local.started;
  }
  const sessionUrl = process.env.SESSION_REDIS_URL || url;
  if (sessionUrl !== url) await urlPing(sessionUrl, 'SESSION_REDIS_URL');
  return { url, sessionUrl, provisioned, started };
}

/** Stops our redis-server (SIGTERM to the pid in our pidfile; it writes the AOF and exits). */
export async function stopRedis() {
  const pid = ourRedisPid();
  if (!pid) {
    fs.rmSync(REDIS_PID, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const gone = await waitFor(() => !pidAlive(pid), { timeoutMs: 15000, intervalMs: 50 });
  if (!gone) fail(`redis-server (pid ${pid}) did not exit within 15 s of SIGTERM; see ${rel(REDIS_LOG)}.`);
  return true;
}
