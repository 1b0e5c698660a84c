// `npm run bench [-- --quick]`: issue 6's benchmark (bench/main.ts; README.md, "Performance").
// Installs the npm dependencies when needed, then runs the benchmark with tsx. The benchmark starts and
// stops its own Postgres, Redis and app servers; it never fails on a number, only when something breaks.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDependencies } from './lib/deps.mjs';
import { ROOT, runMain } from './lib/util.mjs';

runMain('bench', async () => {
  await ensureDependencies();
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'bench', 'main.ts'), ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  const forward = (signal) => child.exitCode === null && child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1))));
});
