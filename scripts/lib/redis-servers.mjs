// Extra redis-server processes for tests: a cache and a session store of their own, a 3-master cluster.
// Started from the same binary as the local Redis (installed by redis.mjs when missing), kept under
// .data/, stopped by pid. Every wait is bounded.
import fs from 'node:fs';
import path from 'node:path';
import { rawPing, redisServerBinary } from './redis.mjs';
import { exec, fail, isPortFree, pidAlive, rel, sleep, tail, waitFor, which } from './util.mjs';

// The cluster bus listens on port + 10000, which must stay a valid port.
export const MAX_REDIS_PORT = 55535;

/**
 * Free ports from an inclusive range "from-to" (e.g. "47000-47099"): checked by binding them, skipping
 * `exclude`. Fails with the variable to change when the range has too few.
 */
export async function freePorts(count, range, envName, exclude = []) {
  const match = /^(\d+)-(\d+)$/.exec(range);
  if (!match) fail(`${envName}=${range} must be a range such as 47000-47099`);
  const [from, to] = [Number(match[1]), Number(match[2])];
  const found = [];
  for (let port = from; port <= to && found.length < count; port += 1) {
    if (!exclude.includes(port) && (await isPortFree(port))) found.push(port);
  }
  if (found.length < count) fail(`only ${found.length} of ${count} free ports in ${envName}=${range}: widen the range`);
  return found;
}

function readPid(file) {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pidAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Starts a redis-server on 127.0.0.1:port with its state in dir; returns a handle to stop, kill, pause
 * and resume it. `args` adds options (e.g. ['--maxmemory', '4mb']); a cache has no persistence unless
 * `persistent` (AOF), so a restart comes back empty like an evicted cache.
 * @param {{ dir: string, port: number, args?: string[], persistent?: boolean, name?: string }} options
 */
export async function startRedisServer({ dir, port, args = [], persistent = false, name = 'redis' }) {
  if (port > MAX_REDIS_PORT) fail(`Redis port ${port} is above ${MAX_REDIS_PORT} (the cluster bus needs port + 10000)`);
  fs.mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, 'redis.pid');
  const logFile = path.join(dir, 'redis.log');
  const stale = readPid(pidFile);
  if (stale) process.kill(stale, 'SIGKILL');
  fs.rmSync(pidFile, { force: true });
  if (!(await isPortFree(port))) fail(`port ${port} (for ${name}) is in use by another process`);

  const bin = await redisServerBinary();
  const persistence = persistent ? ['--appendonly', 'yes', '--save', ''] : ['--appendonly', 'no', '--save', ''];
  const start = await exec(bin, [
    '--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes', '--pidfile', pidFile,
    '--logfile', logFile, '--dir', dir, ...persistence, ...args,
  ], { cwd: dir });
  if (start.code !== 0) fail(`${name} failed to start (exit ${start.code}): ${(start.stdout + start.stderr).trim()}`);
  const up = await waitFor(() => rawPing(port, '127.0.0.1', 300), { timeoutMs: 10000, intervalMs: 20 });
  if (!up) fail(`${name} on port ${port} did not answer PING within 10 s.\n${tail(logFile)}`);
  const pid = await waitFor(() => readPid(pidFile), { timeoutMs: 5000, intervalMs: 20 });
  if (!pid) fail(`${name} on port ${port} wrote no pidfile (${rel(pidFile)})`);

  const handle = {
    name, port, dir, pid, url: `redis://127.0.0.1:${port}`,
    /** SIGSTOP: the server keeps its connections but answers nothing (commands hang). */
    pause: () => process.kill(handle.pid, 'SIGSTOP'),
    resume: () => process.kill(handle.pid, 'SIGCONT'),
    /** Stops it (SIGTERM; SIGKILL after 10 s) and waits until the port is free. */
    async stop() {
      const current = handle.pid;
      if (!pidAlive(current)) return;
      try {
        process.kill(current, 'SIGCONT');
        process.kill(current, 'SIGTERM');
      } catch {
        return;
      }
      if (!(await waitFor(() => !pidAlive(current), { timeoutMs: 10000, intervalMs: 20 }))) process.kill(current, 'SIGKILL');
      await waitFor(() => !pidAlive(current), { timeoutMs: 5000, intervalMs: 20 });
    },
    /** Starts it again on the same port and directory (empty unless persistent). */
    async restart() {
      await handle.stop();
      const again = await startRedisServer({ dir, port, args, persistent, name });
      handle.pid = again.pid;
      return handle;
    },
  };
  return handle;
}

/** Runs redis-cli with args; fails with its output on a non-zero exit. */
async function redisCli(args) {
  const bin = which('redis-cli');
  if (!bin) fail('redis-cli is not installed (Debian: apt-get install redis-tools; it comes with redis-server)');
  const result = await exec(bin, args);
  if (result.code !== 0) fail(`redis-cli ${args.join(' ')} failed: ${(result.stdout + result.stderr).trim()}`);
  return result.stdout;
}

/**
 * A 3-master Redis Cluster (no replicas) on the given ports, state in dir/<port>. Any cluster left in dir
 * by an earlier run is stopped and forgotten first (nodes.conf must not survive a re-create).
 * Returns { ports, nodes: "h:p,h:p,h:p", stop() }.
 */
export async function startRedisCluster({ dir, ports, log = () => {} }) {
  await stopRedisCluster(dir);
  const servers = [];
  for (const port of ports) {
    const nodeDir = path.join(dir, String(port));
    fs.rmSync(nodeDir, { recursive: true, force: true });
    servers.push(await startRedisServer({
      dir: nodeDir, port, name: `cluster node ${port}`,
      args: ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(nodeDir, 'nodes.conf'), '--cluster-node-timeout', '2000'],
    }));
  }
  const addresses = ports.map((p) => `127.0.0.1:${p}`);
  log(`creating a ${ports.length}-master Redis Cluster on ${addresses.join(', ')}`);
  await redisCli(['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
  const ok = await waitFor(async () => {
    for (const port of ports) {
      const info = await redisCli(['-p', String(port), 'cluster', 'info']).catch(() => '');
      if (!info.includes('cluster_state:ok')) return false;
    }
    return true;
  }, { timeoutMs: 20000, intervalMs: 100 });
  if (!ok) fail(`the Redis Cluster on ${addresses.join(', ')} did not reach cluster_state:ok within 20 s`);
  fs.writeFileSync(path.join(dir, 'ports'), ports.join(','));
  return { ports, nodes: addresses.join(','), servers, stop: () => stopRedisCluster(dir) };
}

/** Stops the cluster whose nodes live in dir (by their pidfiles); true when one was running. */
export async function stopRedisCluster(dir) {
  if (!fs.existsSync(dir)) return false;
  let stopped = false;
  for (const entry of fs.readdirSync(dir)) {
    const pid = readPid(path.join(dir, entry, 'redis.pid'));
    if (!pid) continue;
    process.kill(pid, 'SIGTERM');
    stopped = true;
    if (!(await waitFor(() => !pidAlive(pid), { timeoutMs: 10000, intervalMs: 20 }))) process.kill(pid, 'SIGKILL');
  }
  if (stopped) await sleep(50);
  return stopped;
}
