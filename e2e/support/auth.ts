import { randomBytes } from "node:crypto";
import type { APIRequestContext, APIResponse } from "@playwright/test";

/**
 * A documentation-range (2001:db8::/32) address of a test's own, sent as X-Forwarded-For, so per-address
 * limits stay apart between tests and runs (counters outlive a run by their 15-minute window).
 */
export const testIp = () => `2001:db8:${(randomBytes(12).toString("hex").match(/.{4}/g) ?? []).join(":")}`;

export interface LoginOptions {
  ip?: string;
  origin?: string;
}

/**
 * One credentials sign-in through next-auth's API, as its `signIn()` does (`json: true`), without
 * asserting anything: the response is the test's to judge. The request context keeps the cookies.
 */
export async function attemptLogin(request: APIRequestContext, email: string, password: string, options: LoginOptions = {}): Promise<APIResponse> {
  const csrf = await request.get("/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const headers: Record<string, string> = {};
  if (options.ip) headers["x-forwarded-for"] = options.ip;
  if (options.origin) headers.origin = options.origin;
  return request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
    headers,
    maxRedirects: 0,
  });
}

/** GET the feed for a small window: 200 with a session, 401 without. */
export const feed = (request: APIRequestContext, headers: Record<string, string> = {}) =>
  request.get("/api/events?start=2026-01-05T00:00:00Z&end=2026-01-06T00:00:00Z", { headers });
