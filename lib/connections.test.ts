import Redis from "ioredis";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresOptions, redisOptions } from "./connections";
import { REDIS_PASSWORD, REDIS_USER, startTlsServers, type TlsServers } from "./testing/tls-servers";

// Real TLS servers on loopback with a private certificate authority: what production configures with
// rediss:// + an ACL user, sslmode=verify-full, and REDIS_CA_FILE / DATABASE_CA_FILE.
let servers: TlsServers;

beforeAll(async () => {
  servers = await startTlsServers();
  // Read by lib/env.ts on first use, which is below.
  process.env.REDIS_CA_FILE = servers.caFile;
  process.env.DATABASE_CA_FILE = servers.caFile;
}, 60_000);

afterAll(async () => {
  await servers?.stop();
});

const redisClient = (url: string) => {
  const client = new Redis(url, { ...redisOptions(url, "tls-test"), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on("error", () => {});
  return client;
};

describe("secure connections from the environment", () => {
  it("Redis: rediss:// with an ACL user and password, verified against REDIS_CA_FILE", async () => {
    const client = redisClient(`rediss://${REDIS_USER}:${REDIS_PASSWORD}@localhost:${servers.redisPort}`);
    try {
      await client.connect();
      expect(await client.ping()).toBe("PONG");
      expect(await client.call("ACL", "WHOAMI")).toBe(REDIS_USER);
    } finally {
      client.disconnect();
    }
    const wrong = redisClient(`rediss://${REDIS_USER}:not-the-password@localhost:${servers.redisPort}`);
    const refusals: string[] = [];
    wrong.on("error", (error: Error) => refusals.push(error.message));
    await expect(wrong.connect().then(() => wrong.ping())).rejects.toThrow();
    expect(refusals.join(" ")).toMatch(/WRONGPASS/);
    wrong.disconnect();
    // Plain text to the TLS port never gets an answer.
    const plain = redisClient(`redis://${REDIS_USER}:${REDIS_PASSWORD}@localhost:${servers.redisPort}`);
    await expect(plain.connect().then(() => plain.ping())).rejects.toThrow();
    plain.disconnect();
  });

  it("Postgres: sslmode=verify-full with DATABASE_CA_FILE encrypts and verifies the server", async () => {
    const url = `postgres://postgres@localhost:${servers.postgresPort}/postgres?sslmode=verify-full`;
    const sql = postgres(url, { ...postgresOptions(url), max: 1 });
    try {
      const [row] = await sql<{ ssl: boolean }[]>`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`;
      expect(row!.ssl).toBe(true);
    } finally {
      await sql.end({ timeout: 1 });
    }
    // The certificate names localhost: asked as 127.0.0.1, verification fails (no silent downgrade).
    const byAddressUrl = url.replace("localhost", "127.0.0.1");
    const byAddress = postgres(byAddressUrl, { ...postgresOptions(byAddressUrl), max: 1 });
    await expect(byAddress`SELECT 1`).rejects.toThrow(/IP|altnames|certificate/i);
    await byAddress.end({ timeout: 1 });
    // Without the private CA the server is not trusted.
    const untrusted = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
    await expect(untrusted`SELECT 1`).rejects.toThrow(/certificate/i);
    await untrusted.end({ timeout: 1 });
  });
});
