import { freePorts, startRedisServer } from "@/scripts/lib/redis-servers.mjs";
import { extraPortRange, faultDataDir, overrideEnv } from "@/scripts/testing/fault-env.mjs";

/**
 * For integration tests that freeze or stop the cache: a redis-server of the test file's own, with lib/
 * pointed at it (call before the file's first use of lib/env.ts; lib modules are imported dynamically
 * after). Postgres stays the suite's.
 */
export type OwnRedis = Awaited<ReturnType<typeof startRedisServer>>;

export async function startOwnRedis(name: string, overrides: Record<string, string | undefined>): Promise<OwnRedis> {
  const [port] = await freePorts(1, extraPortRange(), "TEST_EXTRA_PORTS");
  const server = await startRedisServer({ dir: faultDataDir(`${name}-${process.pid}`), port: port!, name: `${name} test redis` });
  overrideEnv({ REDIS_URL: server.url, SESSION_REDIS_URL: server.url, REDIS_CLUSTER_NODES: undefined, LOG_LEVEL: "silent", ...overrides });
  return server;
}

/** Closes what lib/ opened (listener, Redis clients, the database pool), then the server, whatever fails. */
export async function stopOwnRedis(server: OwnRedis | undefined): Promise<void> {
  server?.resume();
  try {
    const { stopInvalidationListener } = await import("@/lib/events/index/live-subscriber");
    await stopInvalidationListener();
    const { closeRedis } = await import("@/lib/redis/client");
    await closeRedis();
    const { closeDb } = await import("@/lib/db/client");
    await closeDb();
  } finally {
    await server?.stop();
  }
}
