// The 3-master Redis Cluster that `npm test` runs the integration suite against (besides the single
// Redis): started for the run in .data/redis-cluster on free ports from TEST_EXTRA_PORTS (≤ 55535: the
// bus listens on port + 10000, which must be free too), stopped afterwards by pid. A cluster left by an
// interrupted run is stopped first.
import path from 'node:path';
import { DATA_DIR, fail, isPortFree, logger, seconds } from './util.mjs';
import { MAX_REDIS_PORT, startRedisCluster, stopRedisCluster } from './redis-servers.mjs';

const log = logger('services');
export const CLUSTER_DIR = path.join(DATA_DIR, 'redis-cluster');

async function clusterPorts(range, exclude) {
  const match = /^(\d+)-(\d+)$/.exec(range);
  if (!match) fail(`TEST_EXTRA_PORTS=${range} must be a range such as 47000-47099`);
  const ports = [];
  for (let port = Number(match[1]); port <= Math.min(Number(match[2]), MAX_REDIS_PORT) && ports.length < 3; port += 1) {
    if (!exclude.includes(port) && (await isPortFree(port)) && (await isPortFree(port + 10000))) ports.push(port);
  }
  if (ports.length < 3) fail(`TEST_EXTRA_PORTS=${range} has no 3 free ports (with their bus ports +10000) for the Redis Cluster`);
  return ports;
}

/**
 * Runs `run(cluster)` with a fresh cluster; `exclude`: ports the caller has reserved for other servers.
 * @template T
 * @param {(cluster: { ports: number[], nodes: string }) => Promise<T>} run
 * @param {{ exclude?: number[] }} [options]
 * @returns {Promise<T>}
 */
export async function withRedisCluster(run, { exclude = [] } = {}) {
  const started = Date.now();
  await stopRedisCluster(CLUSTER_DIR);
  const ports = await clusterPorts(process.env.TEST_EXTRA_PORTS || '47000-47099', exclude);
  const cluster = await startRedisCluster({ dir: CLUSTER_DIR, ports, log });
  log(`Redis Cluster up in ${seconds(Date.now() - started)} on ${cluster.nodes}`);
  try {
    return await run(cluster);
  } finally {
    await cluster.stop();
  }
}
