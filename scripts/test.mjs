// `npm test`: dependencies, services (own database and Redis key prefix), Chromium, migrations, demo data,
// then typecheck, lint, unit tests (on a single Redis, then on a 3-master Redis Cluster), production
// build, end-to-end tests and the fault scenarios. Stops at the first failure.
//   npm test -- --only=lint|unit|e2e|faults    run one group (lint = typecheck + eslint)
import { ensureBuild } from './lib/build.mjs';
import { ensureChromium } from './lib/chromium.mjs';
import { withRedisCluster } from './lib/cluster.mjs';
import { ensureDependencies } from './lib/deps.mjs';
import { bin, runStep, runTsScript, servicesEnv } from './lib/env.mjs';
import { fail, logger, runMain, seconds } from './lib/util.mjs';

const log = logger('test');
const GROUPS = ['lint', 'unit', 'e2e', 'faults'];

function parseArgs(argv) {
  let only = null;
  for (const arg of argv) {
    const match = /^--only=(.+)$/.exec(arg);
    if (match && GROUPS.includes(match[1])) only = match[1];
    else fail(`unknown argument ${arg}. Usage: npm test [-- --only=${GROUPS.join('|')}]`);
  }
  return only;
}

/** Runs an in-process step (a function) with the same name/duration reporting as command steps. */
async function task(name, fn) {
  const started = Date.now();
  try {
    const result = await fn();
    log(`✓ ${name} (${seconds(Date.now() - started)})`);
    return result;
  } catch (err) {
    err.message = `step "${name}" failed after ${seconds(Date.now() - started)}: ${err.message}`;
    throw err;
  }
}

runMain('test', async () => {
  const only = parseArgs(process.argv.slice(2));
  const wants = (group) => only === null || only === group;
  const total = Date.now();

  await task('dependencies', () => ensureDependencies());
  let env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  if (wants('unit') || wants('e2e') || wants('faults')) {
    env = await task('services', () => servicesEnv('test', { checkTestPort: wants('e2e') }));
    if (wants('e2e')) env.CHROMIUM_PATH = await task('chromium', () => ensureChromium());
    await runTsScript('test', 'migrate', 'scripts/migrate.ts', env);
    await runTsScript('test', 'seed', 'scripts/seed.ts', env);
  }
  if (wants('lint')) {
    await runStep('test', 'typecheck', bin('tsc'), ['--noEmit'], env);
    await runStep('test', 'lint', bin('eslint'), ['.'], env);
  }
  if (wants('unit')) {
    await runStep('test', 'unit tests', bin('vitest'), ['run'], env);
    // The same suite with the cache and index on a Redis Cluster (sessions stay on the single Redis):
    // every multi-key command and script must keep to one organisation's hash tag. Pure recurrence
    // tests touch no Redis and are not run twice.
    const pure = ['**/recurrence.test.ts', '**/recurrence.rfc5545.test.ts'].flatMap((glob) => ['--exclude', glob]);
    await withRedisCluster((cluster) =>
      runStep('test', 'unit tests on a Redis Cluster', bin('vitest'), ['run', ...pure], { ...env, REDIS_CLUSTER_NODES: cluster.nodes }),
    );
  }
  if (wants('e2e') || wants('faults')) await task('build', () => ensureBuild(env));
  if (wants('e2e')) {
    // Fixtures create their own organisations through lib/ (which imports `server-only`): the test
    // runner resolves it as the server does. The web server itself is started without this option.
    const e2eEnv = { ...env, NODE_OPTIONS: [env.NODE_OPTIONS, '--conditions=react-server'].filter(Boolean).join(' ') };
    await runStep('test', 'e2e tests', bin('playwright'), ['test'], e2eEnv);
  }
  if (wants('faults')) {
    // Cache and session outages, Postgres faults, memory pressure, stampedes, replicas, several
    // instances: each scenario starts its own servers and app instances (see RELIABILITY.md).
    await runStep('test', 'fault scenarios', bin('vitest'), ['run', '--config', 'vitest.faults.config.ts'], env);
  }
  log(`all ${only ? `${only} ` : ''}checks passed in ${seconds(Date.now() - total)}`);
  return 0;
});
