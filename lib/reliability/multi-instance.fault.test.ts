import { afterAll, describe, expect, it } from "vitest";
import { freePorts } from "@/scripts/lib/redis-servers.mjs";
import { withRedisCluster } from "@/scripts/lib/cluster.mjs";
import { extraPortRange, overrideEnv } from "@/scripts/testing/fault-env.mjs";
import { writeFigures } from "@/lib/testing/faults/figures";

/**
 * Several instances of the app against the same Redis and Postgres, first on the single Redis, then with
 * the cache on a 3-master Redis Cluster (sessions on the single Redis): sessions, live updates, hot
 * windows and sign-outs work across instances.
 */
const ports = await freePorts(2, extraPortRange(), "TEST_EXTRA_PORTS");
const prefix = `fault-instances-${Date.now().toString(36)}:`;
overrideEnv({ REDIS_KEY_PREFIX: prefix, REDIS_CLUSTER_NODES: undefined, LOG_LEVEL: "error" });
const results: Record<string, unknown>[] = [];

afterAll(async () => {
  writeFigures("multi-instance", { runs: results });
  const { closeDb } = await import("@/lib/db/client");
  const { closeRedis } = await import("@/lib/redis/client");
  await closeDb();
  await closeRedis();
});

function expectShared(result: Awaited<ReturnType<typeof import("@/lib/testing/faults/multi-instance-scenario").runMultiInstance>>) {
  expect(result.sessionFromAWorksOnB, "a session made on A, used on B").toBe(200);
  expect(result.createdOnA).toBe(201);
  expect(result.liveChangeOnB, "the change made on A reached B's live stream").toBe(true);
  expect(result.feedOnBShowsIt, "B's next read shows the change made on A").toBe(true);
  expect(result.sessionOnAAfterSignOutOnB, "the session signed out on B, used on A (which holds the read in memory)").toBe(401);
}

describe("several instances", () => {
  it("share sessions, live updates, cohort changes and sign-outs on a single Redis", async () => {
    const { runMultiInstance } = await import("@/lib/testing/faults/multi-instance-scenario");
    const result = await runMultiInstance({ appPorts: [ports[0]!, ports[1]!], env: { REDIS_KEY_PREFIX: prefix }, label: "single Redis", cohortChange: true });
    results.push(result);
    expectShared(result);
    expect(result.cohortChangeOnB, "a cohort member removed elsewhere leaves B's cohort view").toEqual({ shownBefore: true, goneAfter: true });
  });

  it("do the same with the cache on a 3-master Redis Cluster", async () => {
    const { runMultiInstance } = await import("@/lib/testing/faults/multi-instance-scenario");
    const result = await withRedisCluster((cluster: { nodes: string }) =>
      runMultiInstance({
        appPorts: [ports[0]!, ports[1]!],
        env: { REDIS_KEY_PREFIX: prefix, REDIS_CLUSTER_NODES: cluster.nodes },
        label: `Redis Cluster (${cluster.nodes})`,
      }),
      { exclude: ports },
    );
    results.push(result);
    expectShared(result);
  });
});
