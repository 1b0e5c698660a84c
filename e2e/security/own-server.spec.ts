import { startThrowawayRedis, type ThrowawayRedis } from "@/lib/testing/throwaway-redis";
import { expect, test } from "../fixtures";
import { CookieClient, startOwnServer, type OwnServer } from "../support/own-server";

/**
 * One server of this file's own: its session Redis is a throwaway redis-server (without AOF, on purpose)
 * that the tests stop and start; it is configured for https (NEXTAUTH_URL) and a 3-second idle timeout.
 */
test.describe.configure({ mode: "serial" });

let sessions: ThrowawayRedis;
let server: OwnServer;

test.beforeAll(async () => {
  sessions = await startThrowawayRedis(["--appendonly", "no"]);
  server = await startOwnServer({
    SESSION_REDIS_URL: sessions.url,
    SESSION_IDLE_MINUTES: "0.05",
    // Its own origin, over https as far as the app knows: Secure cookies, __Secure- names.
    NEXTAUTH_URL: "https://localhost",
  });
});

test.afterAll(async () => {
  await server?.stop();
  await sessions?.destroy();
});

const client = () => new CookieClient(server.url, { origin: "https://localhost" });

test("warns at start-up that the session Redis runs without AOF", async () => {
  await expect.poll(() => server.output(), { timeout: 10_000 }).toContain("the session Redis runs without AOF");
});

test("over https every auth cookie is Secure, HttpOnly and SameSite=Lax", async ({ org }) => {
  const browser = client();
  const response = await browser.login(org.staff.email, org.staff.password);
  expect(response.status).toBe(200);
  const session = browser.setCookies.find((c) => c.startsWith("__Secure-next-auth.session-token="));
  expect(session, browser.setCookies.join("\n")).toBeTruthy();
  for (const cookie of browser.setCookies) {
    expect(cookie, cookie).toMatch(/;\s*Secure/i);
    expect(cookie, cookie).toMatch(/;\s*SameSite=Lax/i);
  }
  for (const cookie of browser.setCookies.filter((c) => /session-token|csrf-token/.test(c))) expect(cookie).toMatch(/;\s*HttpOnly/i);
  expect((await browser.feed()).status).toBe(200);
});

test("an idle session ends after the idle timeout; activity keeps it alive", async ({ org }) => {
  const browser = client();
  await browser.login(org.patients[0]!.user.email, org.patients[0]!.user.password);
  // 3 s idle timeout: used every 1.5 s for 4.5 s (longer than the timeout) it stays alive ...
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    expect((await browser.feed()).status, `request ${i + 1}`).toBe(200);
  }
  // ... and left alone for longer than the timeout it is over.
  await new Promise((r) => setTimeout(r, 3500));
  expect((await browser.feed()).status).toBe(401);
});

test("with the session store down, requests fail closed with 503 and nobody signs in; afterwards it recovers", async ({ org }) => {
  const browser = client();
  await browser.login(org.staff.email, org.staff.password);
  expect((await browser.feed()).status).toBe(200);

  await sessions.stop();
  const feed = await browser.feed();
  expect(feed.status).toBe(503);
  expect(await feed.json()).toMatchObject({ error: { code: "unavailable" } });
  const health = await fetch(`${server.url}/api/health`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ status: "down", sessions: "down" });
  const page = await browser.request("/calendar");
  expect(page.status).toBeGreaterThanOrEqual(500);
  expect(await page.text()).not.toContain(org.patients[0]!.name);
  const stranger = client();
  const login = await stranger.login(org.admin.email, org.admin.password);
  expect(login.status).toBe(503);
  expect(await login.json()).toMatchObject({ error: { code: "unavailable" }, url: expect.stringContaining("error=Unavailable") });
  expect(stranger.setCookies.some((c) => c.includes("session-token="))).toBe(false);

  // Back (without AOF, as configured here: the sessions are lost, so the old cookie is simply signed out).
  await sessions.start();
  await expect.poll(async () => (await browser.feed()).status, { timeout: 10_000 }).toBe(401);
  expect((await stranger.login(org.admin.email, org.admin.password)).status).toBe(200);
  expect((await stranger.feed()).status).toBe(200);
});
