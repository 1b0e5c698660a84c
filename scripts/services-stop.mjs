// `npm run services:stop`: stops the Postgres and Redis that `npm start` / `npm test` started in .data/.
// Only those: Postgres via pg_ctl on our data directory, Redis by the pid in our pidfile.
import { CLUSTER_DIR } from './lib/cluster.mjs';
import { stopPostgres, PG_DATA } from './lib/postgres.mjs';
import { stopRedisCluster } from './lib/redis-servers.mjs';
import { stopRedis, REDIS_PID } from './lib/redis.mjs';
import { logger, rel, runMain } from './lib/util.mjs';

const log = logger('services');

runMain('services', async () => {
  // A test run stops its Redis Cluster itself; one left by an interrupted run goes too.
  if (await stopRedisCluster(CLUSTER_DIR)) log(`Redis Cluster stopped (${rel(CLUSTER_DIR)})`);
  const results = await Promise.allSettled([stopPostgres(), stopRedis()]);
  const [pg, redis] = results;
  if (pg.status === 'fulfilled') log(pg.value ? `Postgres stopped (${rel(PG_DATA)})` : 'Postgres was not running');
  if (redis.status === 'fulfilled') log(redis.value ? `Redis stopped (${rel(REDIS_PID)})` : 'Redis was not running');
  const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (failed.length > 1) log(`also failed: ${failed[1].message}`);
  if (failed.length > 0) throw failed[0];
  return 0;
});
