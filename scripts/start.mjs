// `npm start`: dependencies, Postgres, Redis, migrations, demo data, production build, then next start.
import { spawn } from 'node:child_process';
import { ensureBuild } from './lib/build.mjs';
import { ensureDependencies } from './lib/deps.mjs';
import { bin, runTsScript, servicesEnv } from './lib/env.mjs';
import { ProvisionError, ROOT, assertPortFree, logger, runMain } from './lib/util.mjs';

const log = logger('start');

runMain('start', async () => {
  await ensureDependencies();
  const env = await servicesEnv('app');
  await runTsScript('start', 'migrate', 'scripts/migrate.ts', env, { announce: false });
  await runTsScript('start', 'seed', 'scripts/seed.ts', env, { announce: false });
  await ensureBuild(env);
  const port = Number(env.PORT);
  await assertPortFree(port, 'PORT', 'the app');

  const child = spawn(bin('next'), ['start', '-p', String(port)], { cwd: ROOT, env, stdio: 'inherit' });
  log(`Cohort Calendar: ${env.NEXTAUTH_URL} (demo accounts: see README; Ctrl-C stops the app, ` +
    '`npm run services:stop` stops Postgres and Redis)');

  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);

  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new ProvisionError(`could not start next: ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (signal === 'SIGINT' || signal === 'SIGTERM') resolve(0);
      else resolve(code ?? 1);
    });
  });
});
