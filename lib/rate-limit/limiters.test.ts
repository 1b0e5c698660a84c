import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { closeRedis, sessionRedis } from "@/lib/redis/client";
import { freePort } from "@/lib/testing/throwaway-redis";
import { createLimiters, limiterConfigFromEnv, type LimiterConfig } from "./limiters";

afterAll(closeRedis);

const config: LimiterConfig = { loginPerAccount: 10, loginPerIp: 25, loginWindowSeconds: 900, apiPerMinute: 30 };
const email = () => `someone-${randomUUID()}@example.test`;
const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 6)}`;

async function outcome(promise: Promise<void>): Promise<"ok" | string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
}

describe("rate limits (rate-limiter-flexible over Redis)", () => {
  it("defaults to 10 failures per account and 100 per address in 15 minutes, 600 API requests a minute", () => {
    expect(limiterConfigFromEnv()).toEqual({ loginPerAccount: 10, loginPerIp: 100, loginWindowSeconds: 900, apiPerMinute: 600 });
  });

  it("allows 10 failed sign-ins of an account, then refuses with a Retry-After inside the window", async () => {
    const limits = createLimiters(sessionRedis(), config);
    const account = email();
    for (let i = 1; i <= 10; i++) expect(await outcome(limits.reserveLoginAttempt(account, ip())), `attempt ${i}`).toBe("ok");
    const refused = await limits.reserveLoginAttempt(account, ip()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("rate_limited");
    const retry = (refused as AppError).details?.retryAfterSeconds as number;
    expect(retry).toBeGreaterThan(880);
    expect(retry).toBeLessThanOrEqual(900);
    // The account is keyed by its normalised address: case and spaces do not buy more attempts.
    expect(await outcome(limits.reserveLoginAttempt(`  ${account.toUpperCase()} `, ip()))).toBe("rate_limited");
  });

  it("cannot be overshot by parallel guesses", async () => {
    const limits = createLimiters(sessionRedis(), config);
    const account = email();
    const results = await Promise.all(Array.from({ length: 30 }, () => outcome(limits.reserveLoginAttempt(account, ip()))));
    expect(results.filter((r) => r === "ok")).toHaveLength(10);
    expect(results.filter((r) => r === "rate_limited")).toHaveLength(20);
  });

  it("forgives an account's failures after a successful sign-in", async () => {
    const limits = createLimiters(sessionRedis(), config);
    const account = email();
    const address = ip();
    for (let i = 0; i < 9; i++) await limits.reserveLoginAttempt(account, address);
    await limits.reserveLoginAttempt(account, address);
    await limits.loginSucceeded(account, address);
    for (let i = 0; i < 10; i++) expect(await outcome(limits.reserveLoginAttempt(account, address))).toBe("ok");
    expect(await outcome(limits.reserveLoginAttempt(account, address))).toBe("rate_limited");
  });

  it("gives an address a larger budget across accounts, and refuses past it", async () => {
    const limits = createLimiters(sessionRedis(), config);
    const address = ip();
    for (let i = 0; i < 25; i++) expect(await outcome(limits.reserveLoginAttempt(email(), address))).toBe("ok");
    expect(await outcome(limits.reserveLoginAttempt(email(), address))).toBe("rate_limited");
    // Another address is not affected.
    expect(await outcome(limits.reserveLoginAttempt(email(), ip()))).toBe("ok");
  });

  it("limits each user's API requests per minute, separately", async () => {
    const limits = createLimiters(sessionRedis(), config);
    const user = randomUUID();
    for (let i = 0; i < 30; i++) await limits.consumeApi(user);
    const refused = await limits.consumeApi(user).catch((e: unknown) => e);
    expect((refused as AppError).code).toBe("rate_limited");
    expect((refused as AppError).details?.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await outcome(limits.consumeApi(randomUUID()))).toBe("ok");
  });

  it("fails closed with `unavailable` when the limit store cannot be reached", async () => {
    const dead = new Redis(await freePort(), { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, lazyConnect: true });
    dead.on("error", () => {});
    try {
      const limits = createLimiters(dead, config);
      expect(await outcome(limits.reserveLoginAttempt(email(), ip()))).toBe("unavailable");
      expect(await outcome(limits.consumeApi(randomUUID()))).toBe("unavailable");
    } finally {
      dead.disconnect();
    }
  });
});
