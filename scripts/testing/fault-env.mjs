// Where fault tests put their extra servers and figures. Read from the environment here (the app reads
// its own through lib/env.ts; these are the test harness's):
//   TEST_EXTRA_PORTS     ports for extra redis-servers and app instances (default 47000-47099)
//   TEST_EXTRA_PG_PORTS  ports for extra Postgres servers (default 54380-54389)
//   RELIABILITY_FIGURES  directory the scenarios write their figures to (default .data/reliability/figures)
import path from 'node:path';
import { DATA_DIR } from '../lib/util.mjs';

export const extraPortRange = () => process.env.TEST_EXTRA_PORTS || '47000-47099';
export const extraPgPortRange = () => process.env.TEST_EXTRA_PG_PORTS || '54380-54389';
export const figuresDir = () => path.resolve(process.env.RELIABILITY_FIGURES || path.join(DATA_DIR, 'reliability', 'figures'));
export const faultDataDir = (name) => path.join(DATA_DIR, 'reliability', name);

/** The environment this process was started with (before a test overrides variables for the lib). */
export const baseEnv = { ...process.env };

/**
 * Points this process's lib/ (db(), cacheRedis(), …) at the given servers. Call before the first use of
 * lib/env.ts in the test file: vitest runs each file in a fresh module graph, so the values hold for it.
 */
export function overrideEnv(overrides) {
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = String(value);
  }
}
