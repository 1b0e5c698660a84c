import { createTestEvent } from "@/lib/testing/test-organization";
import { expect, test } from "../fixtures";
import { PlannerPage } from "../pages/PlannerPage";

const PAGES = ["/calendar", "/admin/users", "/admin/audit", "/account", "/login"];

test("pages send a nonce-based CSP, frame-ancestors 'none', nosniff, a referrer policy and no-store", async ({ page, org, loginAs }) => {
  await loginAs(org.admin);
  for (const path of PAGES) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(200);
    const headers = response.headers();
    const csp = headers["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, `${path}: CSP with a nonce`).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    // Every script Next.js wrote carries this response's nonce.
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["cache-control"], path).toContain("no-store");
    expect(headers["strict-transport-security"], "no HSTS over plain http").toBeUndefined();
  }
  const again = await page.request.get("/calendar");
  const first = await page.request.get("/calendar");
  expect(again.headers()["content-security-policy"]).not.toBe(first.headers()["content-security-policy"]);
});

test("API responses send a deny-all CSP, nosniff and no-store", async ({ page, org, loginAs }) => {
  await loginAs(org.staff);
  for (const url of ["/api/events?start=2026-01-05&end=2026-01-06", "/api/health", "/api/nothing-here"]) {
    const headers = (await page.request.get(url)).headers();
    expect(headers["content-security-policy"], url).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers["x-content-type-options"], url).toBe("nosniff");
    expect(headers["cache-control"], url).toBe("no-store");
  }
});

test("HSTS is sent when the request came over https (the proxy in front says so)", async ({ request }) => {
  const response = await request.get("/login", { headers: { "x-forwarded-proto": "https" } });
  expect(response.headers()["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
  expect(response.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
  const api = await request.get("/api/health", { headers: { "x-forwarded-proto": "https" } });
  expect(api.headers()["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
});

test("the calendar works under the policy, and the policy stops injected inline script", async ({ page, org, loginAs }) => {
  test.slow();
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const start = new Date();
  start.setUTCHours(15, 0, 0, 0);
  await createTestEvent(org.id, { title: `Under CSP ${org.tag}`, start, patientIds: [org.patients[0]!.id] });
  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto();
  await expect(planner.event(`Under CSP ${org.tag}`)).toBeVisible();
  for (const view of ["Month", "Day", "List", "Lanes", "Week"] as const) await planner.view(view);
  await planner.event(`Under CSP ${org.tag}`).click();
  await expect(page.getByRole("dialog", { name: `Under CSP ${org.tag}` })).toBeVisible();
  await page.keyboard.press("Escape");
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("form", { name: "Change password" })).toBeVisible();
  expect(violations).toEqual([]);

  // Markup injected into the page (as an XSS would) cannot run its inline handler.
  await page.evaluate(() => {
    document.body.insertAdjacentHTML("beforeend", `<img src="data:," onload="window.__injected = true" alt="">`);
  });
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
  expect(violations.length).toBeGreaterThan(0);
});
