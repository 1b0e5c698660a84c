// Production build: `next build` only when the sources changed since the last successful build.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, exec, fail, logger, seconds } from './util.mjs';

const log = logger('build');

const SOURCE_DIRS = ['app', 'components', 'lib', 'public', 'styles', 'types', 'src'];
const SOURCE_FILES = [
  'next.config.mjs', 'next.config.js', 'next.config.ts', 'package.json', 'package-lock.json',
  'tsconfig.json', 'postcss.config.mjs', 'postcss.config.js', 'postcss.config.cjs',
  'tailwind.config.ts', 'tailwind.config.js', 'proxy.ts', 'middleware.ts', 'instrumentation.ts',
  '.env', '.env.production', '.env.local', '.env.production.local',
];
const SKIP = new Set(['node_modules', '.next', '.git', '.DS_Store']);

export const NEXT_DIR = path.join(ROOT, '.next');
export const HASH_FILE = path.join(NEXT_DIR, '.source-hash');

function addFile(hash, abs) {
  hash.update(path.relative(ROOT, abs).split(path.sep).join('/'));
  hash.update('\0');
  hash.update(fs.readFileSync(abs));
  hash.update('\0');
}

function addDir(hash, dir) {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (SKIP.has(entry.name)) continue;
    const abs = path.join(dir, entry.name);
    const stat = entry.isSymbolicLink() ? fs.statSync(abs, { throwIfNoEntry: false }) : entry;
    if (!stat) continue;
    if (stat.isDirectory()) addDir(hash, abs);
    else if (stat.isFile()) addFile(hash, abs);
  }
}

/** sha256 over the build inputs (sources, configs, lockfile, NEXT_PUBLIC_* variables). */
export function sourceHash(env = process.env) {
  const hash = crypto.createHash('sha256');
  for (const dir of SOURCE_DIRS) {
    const abs = path.join(ROOT, dir);
    if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) addDir(hash, abs);
  }
  for (const file of SOURCE_FILES) {
    const abs = path.join(ROOT, file);
    if (fs.existsSync(abs)) addFile(hash, abs);
  }
  // next build inlines NEXT_PUBLIC_* values into the client bundles.
  for (const key of Object.keys(env).filter((k) => k.startsWith('NEXT_PUBLIC_')).sort()) {
    hash.update(`${key}=${env[key]}\0`);
  }
  return hash.digest('hex');
}

/** Why a build is needed, or null when .next matches the sources. */
export function buildOutdated(env = process.env) {
  if (!fs.existsSync(path.join(NEXT_DIR, 'BUILD_ID'))) return { reason: 'no production build yet', hash: sourceHash(env) };
  const hash = sourceHash(env);
  let stored = null;
  try {
    stored = fs.readFileSync(HASH_FILE, 'utf8').trim();
  } catch {
    // no hash yet
  }
  if (stored === hash) return null;
  return { reason: stored ? 'sources changed since the last build' : 'no source hash for the existing build', hash };
}

/** Runs `next build` when needed, with env (NEXT_TELEMETRY_DISABLED=1 always). Returns true when it built. */
export async function ensureBuild(env = process.env) {
  const outdated = buildOutdated(env);
  if (!outdated) return false;
  log(`${outdated.reason}: running next build`);
  const started = Date.now();
  fs.rmSync(HASH_FILE, { force: true });
  const result = await exec(path.join(ROOT, 'node_modules', '.bin', 'next'), ['build'], {
    inherit: true,
    cwd: ROOT,
    env: { ...env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.code !== 0) fail(`next build failed (exit ${result.code}); see the output above.`);
  // Hash what was built: recomputing now would pick up edits made during the build.
  fs.writeFileSync(HASH_FILE, `${outdated.hash}\n`);
  log(`built in ${seconds(Date.now() - started)}`);
  return true;
}
