import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startThrowawayRedis, type ThrowawayRedis } from "@/lib/testing/throwaway-redis";
import { sessionRedisWarnings } from "./redis-config-check";

const servers: ThrowawayRedis[] = [];
const clients: Redis[] = [];
afterAll(async () => {
  clients.forEach((c) => c.disconnect());
  await Promise.all(servers.map((s) => s.destroy()));
});

async function clientFor(args: string[]): Promise<Redis> {
  const server = await startThrowawayRedis(args);
  servers.push(server);
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  clients.push(client);
  return client;
}

describe("start-up check of the session Redis", () => {
  it("is quiet for noeviction with AOF on a separate instance", async () => {
    const redis = await clientFor(["--appendonly", "yes", "--maxmemory-policy", "noeviction"]);
    expect(await sessionRedisWarnings(redis, false)).toEqual([]);
  });

  it("warns about an evicting policy and missing AOF", async () => {
    const redis = await clientFor(["--appendonly", "no", "--maxmemory-policy", "allkeys-lru"]);
    const warnings = await sessionRedisWarnings(redis, false);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/maxmemory-policy allkeys-lru.*noeviction/);
    expect(warnings[1]).toMatch(/appendonly no/);
  });

  it("warns when it cannot verify (CONFIG disabled, as on managed services)", async () => {
    const redis = await clientFor(["--appendonly", "yes", "--rename-command", "CONFIG", ""]);
    const warnings = await sessionRedisWarnings(redis, false);
    expect(warnings).toEqual([expect.stringMatching(/could not verify/)]);
  });
});
