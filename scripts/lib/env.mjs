// The environment for the app and test processes, with the services it needs brought up.
import path from 'node:path';
import { ensurePostgres } from './postgres.mjs';
import { ensureRedis } from './redis.mjs';
import { ensureSecret } from './secret.mjs';
import { ROOT, assertPortFree, exec, fail, logger, portFromEnv, seconds } from './util.mjs';

const log = logger('services');

/**
 * Ensures Postgres, Redis and the NextAuth secret for mode 'app' | 'test' and returns the environment
 * for child processes (process.env plus the variables below).
 *
 * Honours: DATABASE_URL, TEST_DATABASE_URL, PG_PORT, REDIS_URL, SESSION_REDIS_URL, REDIS_PORT,
 * REDIS_KEY_PREFIX, NEXTAUTH_SECRET, NEXTAUTH_URL (app only), PORT, TEST_PORT, SEED_DEMO, DATA_DIR.
 * Test mode: the test database, the key prefix REDIS_KEY_PREFIX + 'test:', SEED_DEMO=1, PORT=TEST_PORT.
 * options.checkTestPort (test mode, default true): fail when TEST_PORT is already taken.
 */
export async function servicesEnv(mode = 'app', { checkTestPort = true } = {}) {
  if (mode !== 'app' && mode !== 'test') throw new Error(`servicesEnv: unknown mode ${mode}`);
  const started = Date.now();
  const port = portFromEnv('PORT', 3000);
  const testPort = portFromEnv('TEST_PORT', 3100);
  if (mode === 'test' && checkTestPort) await assertPortFree(testPort, 'TEST_PORT', 'the e2e test server');

  // Both at once; when either fails, report every failure rather than only the first.
  const results = await Promise.allSettled([ensurePostgres(mode), ensureRedis()]);
  const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (failures.length > 1) console.error(`[services] FAILED: ${failures[1].message}`);
  if (failures.length > 0) throw failures[0];
  const [pg, redis] = results.map((r) => r.value);
  const secret = ensureSecret();
  const prefix = process.env.REDIS_KEY_PREFIX || '';

  const ours = {
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    SESSION_REDIS_URL: redis.sessionUrl,
    REDIS_KEY_PREFIX: mode === 'test' ? `${prefix}test:` : prefix,
    NEXTAUTH_SECRET: secret,
    NEXT_TELEMETRY_DISABLED: '1',
    TEST_PORT: String(testPort),
  };
  if (mode === 'app') {
    Object.assign(ours, {
      PORT: String(port),
      NEXTAUTH_URL: process.env.NEXTAUTH_URL || `http://localhost:${port}`,
      SEED_DEMO: process.env.SEED_DEMO || (pg.provisioned ? '1' : '0'),
    });
  } else {
    Object.assign(ours, {
      PORT: String(testPort),
      NEXTAUTH_URL: `http://localhost:${testPort}`,
      SEED_DEMO: '1',
    });
  }

  const startedSomething = pg.started || redis.started;
  if (startedSomething || process.env.VERBOSE) {
    log(`ready in ${seconds(Date.now() - started)}: Postgres ${describeDb(pg)}, Redis ${describeRedis(redis)}`);
  }
  return { ...process.env, ...ours };
}

function describeDb(pg) {
  try {
    const u = new URL(pg.url);
    return `${u.host}${u.pathname}${pg.provisioned ? ' (local)' : ' (DATABASE_URL)'}`;
  } catch {
    return '(DATABASE_URL)';
  }
}

function describeRedis(redis) {
  try {
    return `${new URL(redis.url).host}${redis.provisioned ? ' (local)' : ' (REDIS_URL)'}`;
  } catch {
    return '(REDIS_URL)';
  }
}

/** Path of a binary installed by npm (node_modules/.bin). */
export function bin(name) {
  return path.join(ROOT, 'node_modules', '.bin', name);
}

/**
 * Runs one named step (a command with env, stdio inherited) and prints its duration; on a non-zero exit
 * fails the whole script with the step's name. Returns the duration in ms.
 */
export async function runStep(prefix, name, cmd, args, env, { announce = true } = {}) {
  const say = logger(prefix);
  const shown = [path.basename(cmd), ...args].join(' ');
  if (announce) say(`▶ ${name}: ${shown}`);
  const started = Date.now();
  const result = await exec(cmd, args, { inherit: true, cwd: ROOT, env });
  const took = Date.now() - started;
  if (result.code !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    fail(`step "${name}" failed after ${seconds(took)}: \`${shown}\` ${how} (see its output above).`);
  }
  say(`✓ ${name} (${seconds(took)})`);
  return took;
}

/**
 * Runs a TypeScript script (scripts/migrate.ts, scripts/seed.ts) with tsx as one named step. The
 * react-server condition makes `import "server-only"` resolve to its empty module, as it does inside Next.
 */
export function runTsScript(prefix, name, script, env, options) {
  return runStep(prefix, name, bin('tsx'), ['--conditions=react-server', script], env, options);
}
