import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { expect, test } from "../fixtures";
import { attemptLogin, feed } from "../support/auth";

const FOREIGN = ["https://evil.example", "null"];

test("state-changing route handlers refuse a foreign or null Origin and change nothing", async ({ page, browser, org, loginAs, baseURL }) => {
  const target = org.staff;
  const device = await browser.newContext({ baseURL });
  await attemptLogin(device.request, target.email, target.password);
  await loginAs(org.admin);

  const calls = [
    () => ["DELETE", `/api/admin/users/${target.id}/sessions`, undefined] as const,
    () => ["PATCH", `/api/admin/users/${target.id}`, { disabled: true }] as const,
    () => ["POST", "/api/events/query", { start: "2026-01-05T00:00:00Z", end: "2026-01-06T00:00:00Z", patientIds: [] }] as const,
  ];
  for (const origin of FOREIGN) {
    for (const call of calls) {
      const [method, url, data] = call();
      const response = await page.request.fetch(url, { method, data, headers: { origin } });
      expect(response.status(), `${method} ${url} from ${origin}`).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: "forbidden" } });
    }
    // A foreign Referer (no Origin) and Fetch Metadata's cross-site are refused as well.
    const viaReferer = await page.request.delete(`/api/admin/users/${target.id}/sessions`, { headers: { referer: "https://evil.example/x" } });
    expect(viaReferer.status()).toBe(403);
  }
  expect((await feed(device.request)).status()).toBe(200);
  const [row] = await db().select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, target.id));
  expect(row!.disabledAt).toBeNull();

  // From our own origin the same call works.
  const ok = await page.request.delete(`/api/admin/users/${target.id}/sessions`, { headers: { origin: new URL(baseURL!).origin } });
  expect(ok.status()).toBe(200);
  expect((await feed(device.request)).status()).toBe(401);
  await device.close();
});

test("sign-in and sign-out refuse a foreign Origin", async ({ page, playwright, baseURL, org, loginAs }) => {
  const request = await playwright.request.newContext({ baseURL });
  const login = await attemptLogin(request, org.staff.email, org.staff.password, { origin: "https://evil.example" });
  expect(login.status()).toBe(403);
  expect(login.headers()["set-cookie"] ?? "").not.toContain("session-token=");
  expect((await feed(request)).status()).toBe(401);
  await request.dispose();

  await loginAs(org.staff);
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signOut = await page.request.post("/api/auth/signout", {
    form: { csrfToken, json: "true" },
    headers: { origin: "null" },
    maxRedirects: 0,
  });
  expect(signOut.status()).toBe(403);
  expect((await feed(page.request)).status()).toBe(200);
});

test("server actions refuse a foreign, null or missing Origin and change nothing", async ({ page, browser, org, loginAs, baseURL }) => {
  const target = org.patients[0]!.user;
  const device = await browser.newContext({ baseURL });
  await attemptLogin(device.request, target.email, target.password);
  await loginAs(org.admin);
  await page.goto(`/admin/users/${target.id}`);

  // The page's own action request (its action id, form body and cookie) re-sent as another site would
  // send it: Next.js refuses a foreign or null Origin itself; one without Origin or Referer (which Next.js
  // lets through) is refused by authorizeAction.
  for (const origin of [...FOREIGN, undefined]) {
    let status = 0;
    await page.route(`**/admin/users/${target.id}`, async (route) => {
      const request = route.request();
      if (request.method() !== "POST") return route.continue();
      const headers = { ...(await request.allHeaders()) };
      delete headers.origin;
      if (origin) headers.origin = origin;
      // Without Origin, a same-origin Referer would still vouch for the request: take that away too.
      else delete headers.referer;
      const response = await page.request.fetch(request.url(), { method: "POST", headers, data: request.postDataBuffer() ?? undefined });
      status = response.status();
      await route.fulfill({ response });
    });
    await page.getByRole("button", { name: "Revoke all sessions" }).click();
    await expect.poll(() => status, `action with Origin ${origin}`).not.toBe(0);
    await page.unroute(`**/admin/users/${target.id}`);
    if (origin === undefined) await expect(page.getByText("Cross-site request refused (missing Origin)")).toBeVisible();
    expect((await feed(device.request)).status(), `action with Origin ${origin}`).toBe(200);
    await page.goto(`/admin/users/${target.id}`);
  }

  // From the page itself, it works.
  await page.getByRole("button", { name: "Revoke all sessions" }).click();
  await expect(page.getByText("No active sessions.")).toBeVisible();
  expect((await feed(device.request)).status()).toBe(401);
  await device.close();
});
