// `npm test`: dependencies, services (own database and Redis key prefix), Chromium, migrations, demo data,
// then typecheck, lint, unit tests, production build and end-to-end tests. Stops at the first failure.
//   npm test -- --only=lint|unit|e2e    run one group (lint = typecheck + eslint)
import { ensureBuild } from './lib/build.mjs';
import { ensureChromium } from './lib/chromium.mjs';
import { ensureDependencies } from './lib/deps.mjs';
import { bin, runStep, runTsScript, servicesEnv } from './lib/env.mjs';
import { fail, logger, runMain, seconds } from './lib/util.mjs';

const log = logger('test');
const GROUPS = ['lint', 'unit', 'e2e'];

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
  if (wants('unit') || wants('e2e')) {
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
  }
  if (wants('e2e')) {
    await task('build', () => ensureBuild(env));
    // Fixtures create their own organisations through lib/ (which imports `server-only`): the test
    // runner resolves it as the server does. The web server itself is started without this option.
    const e2eEnv = { ...env, NODE_OPTIONS: [env.NODE_OPTIONS, '--conditions=react-server'].filter(Boolean).join(' ') };
    await runStep('test', 'e2e tests', bin('playwright'), ['test'], e2eEnv);
  }
  log(`all ${only ? `${only} ` : ''}checks passed in ${seconds(Date.now() - total)}`);
  return 0;
});
