// npm dependencies: `npm ci` when node_modules is missing or older than package-lock.json.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, exec, fail, logger, seconds } from './util.mjs';

const log = logger('deps');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** Why `npm ci` is needed, or null when node_modules is up to date. */
export function dependenciesOutdated() {
  const lock = path.join(ROOT, 'package-lock.json');
  const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(path.join(ROOT, 'node_modules'))) return 'node_modules is missing';
  const installedAt = mtime(installed);
  if (installedAt === null) return 'node_modules/.package-lock.json is missing';
  const lockAt = mtime(lock);
  if (lockAt !== null && lockAt > installedAt) return 'package-lock.json is newer than node_modules';
  return null;
}

export async function ensureDependencies() {
  const reason = dependenciesOutdated();
  if (!reason) return false;
  if (!fs.existsSync(path.join(ROOT, 'package-lock.json'))) {
    fail('package-lock.json is missing: it is required for a reproducible `npm ci`.');
  }
  log(`${reason}: running npm ci`);
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = await exec(npm, ['ci', '--no-audit', '--no-fund'], { inherit: true, cwd: ROOT });
  if (result.code !== 0) {
    fail(`npm ci failed (exit ${result.code}); see the npm output above. Check the registry is reachable.`);
  }
  log(`dependencies installed in ${seconds(Date.now() - started)}`);
  return true;
}
