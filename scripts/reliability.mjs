// `npm run reliability`: runs the fault scenarios (cache, session store and Postgres outages, a stampede,
// memory pressure, concurrent edits, a read replica, several instances) against the production build and
// writes their figures to RELIABILITY.md.  `npm run reliability -- --render` only re-renders the file
// from the figures of the last run (.data/reliability/figures).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuild } from './lib/build.mjs';
import { ensureDependencies } from './lib/deps.mjs';
import { bin, runTsScript, servicesEnv } from './lib/env.mjs';
import { ROOT, exec, fail, logger, runMain } from './lib/util.mjs';
import { renderReport } from './reliability/render.mjs';
import { figuresDir } from './testing/fault-env.mjs';

const log = logger('reliability');

runMain('reliability', async () => {
  const renderOnly = process.argv.includes('--render');
  const unknown = process.argv.slice(2).filter((a) => a !== '--render');
  if (unknown.length) fail(`unknown argument ${unknown[0]}. Usage: npm run reliability [-- --render]`);
  const dir = figuresDir();
  const machine = {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
    load: os.loadavg().map((l) => l.toFixed(1)).join(' / '),
  };
  let failed = false;
  if (!renderOnly) {
    await ensureDependencies();
    const env = await servicesEnv('test', { checkTestPort: false });
    await runTsScript('reliability', 'migrate', 'scripts/migrate.ts', env, { announce: false });
    await ensureBuild(env);
    fs.rmSync(dir, { recursive: true, force: true });
    log(`running the fault scenarios (figures in ${path.relative(ROOT, dir)})`);
    const result = await exec(bin('vitest'), ['run', '--config', 'vitest.faults.config.ts'], {
      inherit: true,
      cwd: ROOT,
      env: { ...env, RELIABILITY_FIGURES: dir },
    });
    failed = result.code !== 0;
  }
  if (!fs.existsSync(dir)) fail(`no figures in ${dir}: run \`npm run reliability\` first`);
  // The machine as it was when the figures were measured: a re-render keeps that, not the present.
  const measuredOn = path.join(dir, 'machine.json');
  if (!renderOnly) fs.writeFileSync(measuredOn, JSON.stringify(machine));
  else if (fs.existsSync(measuredOn)) Object.assign(machine, JSON.parse(fs.readFileSync(measuredOn, 'utf8')));
  fs.writeFileSync(path.join(ROOT, 'RELIABILITY.md'), renderReport(dir, machine));
  log('wrote RELIABILITY.md');
  if (failed) fail('some fault scenarios failed (see above); RELIABILITY.md shows the figures of those that ran');
  return 0;
});
