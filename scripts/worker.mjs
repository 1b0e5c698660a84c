// `npm run worker [-- flags]`: the reminder worker on its own, beside or instead of the one in each app
// instance (set REMINDER_WORKER=off on the app to run only these). Brings up the same services as
// `npm start` (or uses DATABASE_URL / REDIS_URL), runs the migrations, then scripts/worker.ts with the
// flags given (see there). Ctrl-C / SIGTERM stop it after the deliveries in progress.
import { spawn } from 'node:child_process';
import { ensureDependencies } from './lib/deps.mjs';
import { bin, runTsScript, servicesEnv } from './lib/env.mjs';
import { ProvisionError, ROOT, runMain } from './lib/util.mjs';

runMain('worker', async () => {
  await ensureDependencies();
  const env = await servicesEnv('app');
  await runTsScript('worker', 'migrate', 'scripts/migrate.ts', env, { announce: false });
  const child = spawn(bin('tsx'), ['--conditions=react-server', 'scripts/worker.ts', ...process.argv.slice(2)], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new ProvisionError(`could not start the worker: ${err.message}`)));
    child.once('exit', (code, signal) => resolve(signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : (code ?? 1)));
  });
});
