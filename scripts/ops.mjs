// `npm run cache:warm|cache:check|cache:repair|horizon [-- options]`: brings up (or finds) Postgres and
// Redis like `npm start` does, then runs the operation's TypeScript entry point with that environment.
// With DATABASE_URL and REDIS_URL set (production) nothing is provisioned: the command uses those.
import path from 'node:path';
import { bin, runTsScript, servicesEnv } from './lib/env.mjs';
import { ROOT, exec, fail, runMain } from './lib/util.mjs';

const OPERATIONS = {
  'cache:warm': 'scripts/cache-warm.ts',
  'cache:check': 'scripts/cache-check.ts',
  'cache:repair': 'scripts/cache-repair.ts',
  horizon: 'scripts/horizon.ts',
};

runMain('ops', async () => {
  const [operation, ...args] = process.argv.slice(2);
  const script = OPERATIONS[operation];
  if (!script) fail(`unknown operation ${operation}; one of ${Object.keys(OPERATIONS).join(', ')}`);
  const env = await servicesEnv('app');
  // As `npm start` does: the schema is brought up to date first (idempotent, ~0.1 s when it is).
  await runTsScript('ops', 'migrate', 'scripts/migrate.ts', env, { announce: false });
  // The react-server condition resolves `server-only` to its empty module, as inside Next.
  const result = await exec(bin('tsx'), ['--conditions=react-server', path.join(ROOT, script), ...args], {
    inherit: true,
    cwd: ROOT,
    env,
  });
  return result.code ?? 1;
});
