import { freePorts, startRedisServer } from "@/scripts/lib/redis-servers.mjs";
import { extraPgPortRange, extraPortRange, faultDataDir, overrideEnv } from "@/scripts/testing/fault-env.mjs";
import type { PostgresServer } from "./database";

/**
 * The servers of one fault scenario: a cache Redis and a session Redis of its own (as DESIGN.md
 * recommends), optionally a Postgres of its own (for scenarios that stop or freeze it), free ports for the
 * app instances, and lib/ of the test process pointed at all of it under a key prefix of its own.
 */
export type RedisServer = Awaited<ReturnType<typeof startRedisServer>>;

export interface FaultServers {
  cache: RedisServer;
  sessions: RedisServer;
  database?: { server: PostgresServer; url: string };
  appPorts: number[];
  /** Postgres ports beyond the database's, for servers the scenario adds (a replica). */
  pgPorts: number[];
  prefix: string;
  /** Stops `server` when the scenario ends, after the test's clients are closed and before the database. */
  adopt(server: { stop: (mode: "immediate") => Promise<unknown> }): void;
  stop(): Promise<void>;
}

export async function startFaultServers(
  name: string,
  options: { appPorts: number; database?: boolean; extraPgPorts?: number; persistent?: boolean; cacheArgs?: string[] },
): Promise<FaultServers> {
  const ports = await freePorts(2 + options.appPorts, extraPortRange(), "TEST_EXTRA_PORTS");
  const persistent = options.persistent ?? false;
  const cache = await startRedisServer({ dir: faultDataDir(`${name}/cache`), port: ports[0]!, persistent, name: "cache redis", args: options.cacheArgs });
  const sessions = await startRedisServer({ dir: faultDataDir(`${name}/sessions`), port: ports[1]!, persistent, name: "session redis" });
  let database: FaultServers["database"];
  let pgPorts: number[] = [];
  if (options.database) {
    const [port, ...rest] = await freePorts(1 + (options.extraPgPorts ?? 0), extraPgPortRange(), "TEST_EXTRA_PG_PORTS");
    const { startFaultDatabase } = await import("./database");
    database = await startFaultDatabase(name, port!);
    pgPorts = rest;
  }
  const prefix = `fault-${name}-${Date.now().toString(36)}:`;
  overrideEnv({
    ...(database ? { DATABASE_URL: database.url } : {}),
    REDIS_URL: cache.url,
    SESSION_REDIS_URL: sessions.url,
    REDIS_KEY_PREFIX: prefix,
    REDIS_CLUSTER_NODES: undefined,
    LOG_LEVEL: "error",
  });
  const adopted: { stop: (mode: "immediate") => Promise<unknown> }[] = [];
  return {
    cache,
    sessions,
    database,
    appPorts: ports.slice(2),
    pgPorts,
    prefix,
    adopt: (server) => adopted.push(server),
    // The servers are stopped even when closing the test's own clients fails: none outlives the test.
    stop: async () => {
      try {
        const { closeDb } = await import("@/lib/db/client");
        const { closeRedis } = await import("@/lib/redis/client");
        await closeDb();
        await closeRedis();
      } finally {
        for (const server of adopted.reverse()) await server.stop("immediate");
        await database?.server.stop("immediate");
        await cache.stop();
        await sessions.stop();
      }
    },
  };
}
