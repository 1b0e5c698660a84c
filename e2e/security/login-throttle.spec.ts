import type { APIResponse } from "@playwright/test";
import { expect, test } from "../fixtures";
import { attemptLogin, testIp } from "../support/auth";

/** Status, body and Retry-After (in minutes: the two windows opened a moment apart) of a sign-in reply. */
async function shape(response: APIResponse) {
  const retryAfter = response.headers()["retry-after"];
  return { status: response.status(), retryAfterMinutes: retryAfter ? Math.round(Number(retryAfter) / 60) : null, body: await response.json() };
}

test("an account gets 10 failed sign-ins per window; the 11th is 429 with Retry-After, even with the right password", async ({ playwright, baseURL, org }) => {
  const request = await playwright.request.newContext({ baseURL });
  for (let i = 1; i <= 10; i++) {
    // A different address each time: the account's own budget is what runs out.
    expect((await attemptLogin(request, org.staff.email, `wrong-${i}`, { ip: testIp() })).status(), `attempt ${i}`).toBe(401);
  }
  const refused = await attemptLogin(request, org.staff.email, org.staff.password, { ip: testIp() });
  expect(refused.status()).toBe(429);
  const retryAfter = Number(refused.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThan(800);
  expect(retryAfter).toBeLessThanOrEqual(900);
  expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" }, url: expect.stringContaining("error=RateLimited") });
  expect(refused.headers()["set-cookie"] ?? "").not.toContain("session-token=");
  // Other accounts are not affected.
  expect((await attemptLogin(request, org.admin.email, org.admin.password, { ip: testIp() })).status()).toBe(200);
  await request.dispose();
});

test("an unknown e-mail address answers exactly like a known one, throttling included", async ({ playwright, baseURL, org }) => {
  const known = await playwright.request.newContext({ baseURL });
  const unknown = await playwright.request.newContext({ baseURL });
  const nobody = `nobody-${org.tag}@example.test`;
  const timings: { known: number[]; unknown: number[] } = { known: [], unknown: [] };
  for (let i = 1; i <= 11; i++) {
    let started = Date.now();
    const a = await shape(await attemptLogin(known, org.patients[0]!.user.email, "wrong", { ip: testIp() }));
    timings.known.push(Date.now() - started);
    started = Date.now();
    const b = await shape(await attemptLogin(unknown, nobody, "wrong", { ip: testIp() }));
    timings.unknown.push(Date.now() - started);
    expect(b, `attempt ${i}`).toEqual(a);
    expect(a.status, `attempt ${i}`).toBe(i <= 10 ? 401 : 429);
  }
  // Same timing class: both pay for a password hash check (the unit test measures it precisely).
  const median = (xs: number[]) => xs.slice(0, 10).sort((x, y) => x - y)[5]!;
  expect(median(timings.unknown)).toBeGreaterThan(median(timings.known) / 3);
  await known.dispose();
  await unknown.dispose();
});

test("an address gets 100 failed sign-ins per window across accounts, then 429; other addresses go on", async ({ playwright, baseURL, org }) => {
  test.slow();
  const request = await playwright.request.newContext({ baseURL });
  const ip = testIp();
  const statuses: number[] = [];
  for (let batch = 0; batch < 10; batch++) {
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => attemptLogin(request, `guess-${batch}-${i}-${org.tag}@example.test`, "wrong", { ip })),
    );
    statuses.push(...replies.map((r) => r.status()));
  }
  expect(statuses.filter((s) => s !== 401), "every one of the 100 is an ordinary failure").toEqual([]);
  // The 101st from that address: refused even for a real account with its right password.
  const refused = await attemptLogin(request, org.admin.email, org.admin.password, { ip });
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await attemptLogin(request, org.admin.email, org.admin.password, { ip: testIp() })).status()).toBe(200);
  await request.dispose();
});
