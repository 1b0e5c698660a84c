import "server-only";
import { createHash } from "node:crypto";
import type Redis from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { sessionRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { recordRateLimitRefusal } from "@/lib/metrics/instruments";

/**
 * Rate limits, counted in Redis by rate-limiter-flexible (fixed windows). The counters live on the session
 * Redis: it is never evicted, so an attacker cannot flush their own counters by filling the cache.
 * When the store cannot be asked, callers get `unavailable` (503): limits fail closed.
 */
export interface LimiterConfig {
  loginPerAccount: number;
  loginPerIp: number;
  loginWindowSeconds: number;
  apiPerMinute: number;
}

export function limiterConfigFromEnv(): LimiterConfig {
  const e = env();
  return {
    loginPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    loginPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
    loginWindowSeconds: Math.max(1, Math.round(e.LOGIN_WINDOW_MINUTES * 60)),
    apiPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
  };
}

export function rateLimited(retryAfterSeconds: number, message = "Too many requests; try again later"): AppError {
  return new AppError("rate_limited", message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
}

function storeUnavailable(error: unknown): AppError {
  return new AppError("unavailable", "The rate-limit store is unavailable; try again shortly", {
    cause: error instanceof Error ? error.message : String(error),
  });
}

/** Account keys are digests: e-mail addresses (typed by anyone, existing or not) never land in Redis. */
const accountKey = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");

export interface Limiters {
  /**
   * Reserves one login attempt for the account and the address: consumed before the password is checked,
   * so parallel guesses cannot overshoot the limit. Throws `rate_limited` once either budget is spent.
   */
  reserveLoginAttempt(email: string, ip: string): Promise<void>;
  /** A successful login: the account's failures are forgiven, the address gets its point back. */
  loginSucceeded(email: string, ip: string): Promise<void>;
  /** One request of the per-user API budget; throws `rate_limited` past it. */
  consumeApi(userId: string): Promise<void>;
}

export function createLimiters(redis: Redis, config: LimiterConfig): Limiters {
  const names = new Map<RateLimiterRedis, string>(); // ops metrics: refusals by limiter
  const make = (name: string, points: number, duration: number) => {
    const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: keys.rateLimit(name), points, duration });
    names.set(limiter, name);
    return limiter;
  };
  const perAccount = make("login-account", config.loginPerAccount, config.loginWindowSeconds);
  const perIp = make("login-ip", config.loginPerIp, config.loginWindowSeconds);
  const api = make("api", config.apiPerMinute, 60);

  /** rate-limiter-flexible rejects with its result when over the limit and with an Error when the store fails. */
  async function consume(limiter: RateLimiterRedis, key: string, message?: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        recordRateLimitRefusal(names.get(limiter) ?? "unknown"); // ops metrics
        throw rateLimited(rejection.msBeforeNext / 1000, message);
      }
      throw storeUnavailable(rejection);
    }
  }

  const loginMessage = "Too many sign-in attempts; wait a moment and try again";
  return {
    async reserveLoginAttempt(email, ip) {
      // The address first: a throttled address does not also burn the account's budget.
      await consume(perIp, ip, loginMessage);
      await consume(perAccount, accountKey(email), loginMessage);
    },
    async loginSucceeded(email, ip) {
      try {
        await Promise.all([perAccount.delete(accountKey(email)), perIp.reward(ip)]);
      } catch (error) {
        throw storeUnavailable(error);
      }
    },
    consumeApi: (userId) => consume(api, userId),
  };
}

const globalForLimiters = globalThis as unknown as { cohortLimiters?: Limiters };

/** The process's limiters over the session Redis, configured from the environment. */
export function limiters(): Limiters {
  globalForLimiters.cohortLimiters ??= createLimiters(sessionRedis(), limiterConfigFromEnv());
  return globalForLimiters.cohortLimiters;
}
