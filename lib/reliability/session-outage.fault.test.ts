import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, startRedisServer } from "@/scripts/lib/redis-servers.mjs";
import { extraPortRange, faultDataDir, overrideEnv } from "@/scripts/testing/fault-env.mjs";

/**
 * The session store goes away: signed-in requests and sign-ins fail closed (503, never data without a
 * verified session, never a hang past the command timeout) and resume when it returns. With one
 * instance for both, its outage is a session-store outage.
 */
type Server = Awaited<ReturnType<typeof startRedisServer>>;
const servers: Server[] = [];
const ports = await freePorts(5, extraPortRange(), "TEST_EXTRA_PORTS");
const prefix = `fault-sessions-${Date.now().toString(36)}:`;

beforeAll(async () => {
  for (const [i, name] of ["cache", "sessions", "shared"].entries()) {
    servers.push(await startRedisServer({ dir: faultDataDir(`session-outage/${name}`), port: ports[i]!, persistent: true, name: `${name} redis` }));
  }
  overrideEnv({ REDIS_URL: servers[0]!.url, SESSION_REDIS_URL: servers[1]!.url, REDIS_KEY_PREFIX: prefix, REDIS_CLUSTER_NODES: undefined, LOG_LEVEL: "error" });
});

afterAll(async () => {
  for (const server of servers) await server.stop();
});

describe("session store outage", () => {
  it("fails closed with 503 and resumes with the sessions it kept", async () => {
    const { runSessionOutage } = await import("@/lib/testing/faults/session-outage-scenario");
    const [cache, sessions, shared] = servers as [Server, Server, Server];
    const { faults } = await runSessionOutage({ cache, sessions, shared, appPorts: [ports[3]!, ports[4]!], prefix });
    for (const fault of faults) {
      expect(fault.reads.failed, `${fault.name}: signed-in reads not refused with 503`).toBe(0);
      expect(fault.logins.failed, `${fault.name}: sign-ins not refused with 503`).toBe(0);
      expect(fault.health.status, `${fault.name}: /api/health`).toBe(503);
      expect(fault.health.body, `${fault.name}: /api/health`).toMatchObject({ status: "down", sessions: "down" });
      expect(fault.loginAfter, `${fault.name}: sign-in after the return`).toBe(200);
    }
  });
});
