// Shared helpers for the provisioning scripts (no npm dependencies: this runs before `npm ci`).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where local services keep their state; DATA_DIR overrides (absolute or relative to the repo). */
export const DATA_DIR = path.resolve(ROOT, process.env.DATA_DIR || '.data');
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** An error whose message is meant for the user as is (no stack trace). */
export class ProvisionError extends Error {}

export function fail(message) {
  throw new ProvisionError(message);
}

export function logger(prefix) {
  return (...args) => console.log(`[${prefix}]`, ...args);
}

/** Paths shown relative to the repo when they are inside it. */
export function rel(p) {
  const r = path.relative(ROOT, p);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Reads an integer port from the environment, with a default and an upper bound. */
export function portFromEnv(name, fallback, max = 65535) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > max) {
    fail(`${name}=${raw} is not a valid port (expected an integer from 1 to ${max}).`);
  }
  return port;
}

function tryListen(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err) => resolve(err.code));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('ok')));
  });
}

/**
 * True when nothing listens on the port: binding the wildcard address (dual-stack) conflicts with a
 * listener on 0.0.0.0, ::, 127.0.0.1 or ::1, and binding 127.0.0.1 covers IPv4-only hosts.
 */
export async function isPortFree(port) {
  for (const host of [undefined, '127.0.0.1']) {
    const result = await tryListen(port, host);
    if (result === 'EADDRINUSE' || result === 'EACCES') return false;
  }
  return true;
}

/** Fails with a message naming the variable to set when the port is taken. */
export async function assertPortFree(port, envName, what) {
  if (!(await isPortFree(port))) {
    fail(
      `port ${port} (for ${what}) is already in use by another process.\n` +
        `  Set ${envName} to a free port, e.g. ${envName}=${port + 1} npm ${
          process.env.npm_lifecycle_event || (envName === 'TEST_PORT' ? 'test' : 'start')}`,
    );
  }
}

/** Full path of an executable on PATH, or null. */
export function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Runs a command and resolves with { code, stdout, stderr } (output captured unless inherit is set).
 * Never rejects for a non-zero exit; rejects only when the command cannot be started.
 */
export function exec(cmd, args, { inherit = false, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.once('error', (err) => reject(new ProvisionError(`could not run ${cmd}: ${err.message}`)));
    child.once('close', (code, signal) => resolve({ code: code ?? 128, signal, stdout, stderr }));
  });
}

/** Last lines of a (log) file, for error messages. */
export function tail(file, lines = 20) {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).map((l) => `    ${l}`).join('\n');
  } catch {
    return `    (no ${file})`;
  }
}

/** Polls check() until it returns a truthy value or the time is up (then returns the last value). */
export async function waitFor(check, { timeoutMs = 10000, intervalMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value || Date.now() >= deadline) return value;
    await sleep(intervalMs);
  }
}

export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

let aptUpdated = false;

/**
 * Installs Debian/Ubuntu packages with apt-get when running as root on a machine that has it.
 * Returns false (installing nothing) when that is not possible, so the caller can explain.
 */
export async function aptInstall(packages, log) {
  if (!isRoot || !which('apt-get')) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('running: apt-get update');
    const update = await exec('apt-get', ['update'], { inherit: true, env });
    if (update.code !== 0) fail(`apt-get update failed (exit ${update.code}); see the output above.`);
    aptUpdated = true;
  }
  log(`running: apt-get install -y ${packages.join(' ')}`);
  const install = await exec('apt-get', ['install', '-y', ...packages], { inherit: true, env });
  if (install.code !== 0) {
    fail(`apt-get install -y ${packages.join(' ')} failed (exit ${install.code}); see the output above.`);
  }
  return true;
}

/** Runs a small system query synchronously (id, getent); its trimmed stdout, or null on failure. */
export function querySync(cmd, args) {
  const result = spawnSync(cmd, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/**
 * Entry-point wrapper: runs main(), prints ProvisionErrors without a stack trace and exits non-zero.
 */
export function runMain(prefix, main) {
  main().then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (err) => {
      if (err instanceof ProvisionError) {
        console.error(`\n[${prefix}] FAILED: ${err.message}`);
      } else {
        console.error(`\n[${prefix}] FAILED with an unexpected error:`);
        console.error(err);
      }
      process.exit(1);
    },
  );
}
