import { describe, expect, it } from "vitest";
import { insecureConnections, isLocalHost } from "./env";

const production = (urls: { DATABASE_URL: string; REDIS_URL: string; SESSION_REDIS_URL?: string }) =>
  insecureConnections({ NODE_ENV: "production", ...urls });

describe("connection security in production", () => {
  it("refuses plain redis:// and Postgres without TLS to another host, saying why and how to fix it", () => {
    const problems = production({
      DATABASE_URL: "postgres://app:secret@db.internal:5432/cohort",
      REDIS_URL: "redis://cache.internal:6379",
      SESSION_REDIS_URL: "redis://:pw@sessions.internal:6379",
    });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/REDIS_URL uses plain redis:\/\/ to cache\.internal.*unencrypted.*rediss:\/\//);
    expect(problems[1]).toMatch(/SESSION_REDIS_URL uses plain redis:\/\/ to sessions\.internal/);
    expect(problems[2]).toMatch(/DATABASE_URL connects to db\.internal without TLS \(sslmode=unset\).*sslmode=verify-full/);
    expect(problems.join(" ")).not.toContain("secret"); // no password in the message
    expect(production({ DATABASE_URL: "postgres://db.internal/cohort?sslmode=prefer", REDIS_URL: "rediss://cache.internal" })).toEqual([
      expect.stringContaining("sslmode=prefer"),
    ]);
  });

  it("accepts rediss:// with a user and password and sslmode=verify-full (or require)", () => {
    expect(
      production({
        DATABASE_URL: "postgres://app:secret@db.internal:5432/cohort?sslmode=verify-full",
        REDIS_URL: "rediss://app:secret@cache.internal:6380",
        SESSION_REDIS_URL: "rediss://default:secret@sessions.internal:6380/0",
      }),
    ).toEqual([]);
    expect(production({ DATABASE_URL: "postgres://db.internal/cohort?sslmode=require", REDIS_URL: "rediss://cache.internal" })).toEqual([]);
  });

  it("lets traffic that stays on the machine use plain connections, and checks nothing outside production", () => {
    expect(production({ DATABASE_URL: "postgres://postgres@127.0.0.1:54329/cohort", REDIS_URL: "redis://localhost:46379" })).toEqual([]);
    expect(production({ DATABASE_URL: "postgres:///cohort?host=/var/run/postgresql", REDIS_URL: "redis://[::1]:6379" })).toEqual([]);
    expect(insecureConnections({ NODE_ENV: "development", DATABASE_URL: "postgres://db.internal/x", REDIS_URL: "redis://cache.internal" })).toEqual([]);
    for (const host of ["localhost", "127.0.0.1", "127.8.9.10", "[::1]", "::1", "app.localhost"]) expect(isLocalHost(host)).toBe(true);
    for (const host of ["10.0.0.5", "cache", "db.example.com", "localhost.example.com"]) expect(isLocalHost(host)).toBe(false);
  });
});
