import { decode } from "next-auth/jwt";
import { revokeUserSessions } from "@/lib/auth/session-store";
import { createTestEvent } from "@/lib/testing/test-organization";
import { expect, test } from "../fixtures";
import { PlannerPage } from "../pages/PlannerPage";
import { dayAt } from "../support/data";
import { LoginPage } from "../pages/LoginPage";
import { attemptLogin, feed, testIp } from "../support/auth";

const SESSION_COOKIE = "next-auth.session-token";

test("the session cookie is HttpOnly, SameSite=Lax, and carries nothing but an opaque id", async ({ page, org, loginAs }) => {
  await loginAs(org.staff);
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)!;
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe("Lax");
  // Served over plain http here; over https the cookie is Secure (see session-store-outage.spec.ts).
  expect(cookie.secure).toBe(false);
  const token = await decode({ token: cookie.value, secret: process.env.NEXTAUTH_SECRET! });
  expect(Object.keys(token ?? {}).sort()).toEqual(["exp", "iat", "jti", "sid"]);
  expect(Buffer.from(String(token?.sid), "base64url").length).toBeGreaterThanOrEqual(16);
  // The browser's scripts never see it either.
  const session = (await (await page.request.get("/api/auth/session")).json()) as Record<string, unknown>;
  expect(session).not.toHaveProperty("sid");
  expect(JSON.stringify(session)).not.toContain(String(token?.sid));
});

test("every login gets a new session id, and the session the browser had before ends", async ({ page, org, loginAs }) => {
  await loginAs(org.staff);
  const first = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)!;
  await loginAs(org.staff);
  const second = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE)!;
  const sid = async (value: string) => (await decode({ token: value, secret: process.env.NEXTAUTH_SECRET! }))?.sid;
  expect(await sid(second.value)).not.toBe(await sid(first.value));
  expect((await feed(page.request)).status()).toBe(200);
  // Replaying the cookie of the first login: its record is gone.
  await page.context().addCookies([first]);
  expect((await feed(page.request)).status()).toBe(401);
});

test("changing the password needs the current one and ends every session; the new one signs in", async ({ page, browser, org, loginAs, baseURL }) => {
  const me = org.patients[0]!.user;
  // A second device, signed in as the same user.
  const other = await browser.newContext({ baseURL });
  expect((await attemptLogin(other.request, me.email, me.password)).status()).toBe(200);
  expect((await feed(other.request)).status()).toBe(200);

  await loginAs(me);
  const cookies = await page.context().cookies();
  await page.goto("/account");
  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password").fill("not-my-password");
  await form.getByLabel("New password").fill("brand-new-password-42");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("alert")).toHaveText("The current password is not correct");
  expect((await feed(other.request)).status()).toBe(200);

  await form.getByLabel("Current password").fill(me.password);
  await form.getByLabel("New password").fill("brand-new-password-42");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login\?passwordChanged=1/);
  await expect(page.getByRole("status").filter({ hasText: "Your password was changed" })).toBeVisible();

  // Both sessions are over: the other device's and this browser's (even when its old cookie is replayed).
  expect((await feed(other.request)).status()).toBe(401);
  await page.context().addCookies(cookies);
  expect((await feed(page.request)).status()).toBe(401);
  expect((await attemptLogin(other.request, me.email, me.password)).status()).toBe(401);
  expect((await attemptLogin(other.request, me.email, "brand-new-password-42")).status()).toBe(200);
  await other.close();
});

test("an admin lists a user's sessions and revokes one, then all (API)", async ({ page, browser, org, loginAs, baseURL }) => {
  const target = org.staff;
  const laptop = await browser.newContext({ baseURL });
  const phone = await browser.newContext({ baseURL });
  await attemptLogin(laptop.request, target.email, target.password);
  await attemptLogin(phone.request, target.email, target.password);

  await loginAs(org.admin);
  const list = await page.request.get(`/api/admin/users/${target.id}/sessions`);
  expect(list.status()).toBe(200);
  const { sessions } = (await list.json()) as { sessions: { handle: string; ip: string; userAgent: string }[] };
  expect(sessions).toHaveLength(2);
  expect(sessions[0]!.ip).toBeTruthy();

  // The newest first: the phone's session.
  const revoked = await page.request.delete(`/api/admin/users/${target.id}/sessions/${sessions[0]!.handle}`);
  expect(revoked.status()).toBe(200);
  expect((await feed(phone.request)).status()).toBe(401);
  expect((await feed(laptop.request)).status()).toBe(200);
  expect((await page.request.delete(`/api/admin/users/${target.id}/sessions/${sessions[0]!.handle}`)).status()).toBe(404);

  const all = await page.request.delete(`/api/admin/users/${target.id}/sessions`);
  expect(await all.json()).toEqual({ revoked: 1 });
  expect((await feed(laptop.request)).status()).toBe(401);
  await laptop.close();
  await phone.close();
});

test("an admin revokes sessions and disables an account from the users page", async ({ page, browser, org, loginAs, baseURL }) => {
  const target = org.patients[1]!.user;
  const device = await browser.newContext({ baseURL });
  await attemptLogin(device.request, target.email, target.password);
  expect((await feed(device.request)).status()).toBe(200);

  await loginAs(org.admin);
  await page.goto("/admin/users");
  await page.getByRole("link", { name: `patient2 ${org.tag}` }).click();
  const sessions = page.getByRole("table", { name: "Sessions" });
  await expect(sessions.getByRole("row")).toHaveCount(2);
  await page.getByRole("button", { name: "Revoke all sessions" }).click();
  await expect(page.getByText("No active sessions.")).toBeVisible();
  expect((await feed(device.request)).status()).toBe(401);

  // Disabled: a new sign-in fails like a wrong password, and an existing session ends.
  await attemptLogin(device.request, target.email, target.password);
  expect((await feed(device.request)).status()).toBe(200);
  await page.reload();
  await page.getByRole("button", { name: "Disable account" }).click();
  await expect(page.getByText("· Disabled")).toBeVisible();
  expect((await feed(device.request)).status()).toBe(401);
  expect((await attemptLogin(device.request, target.email, target.password)).status()).toBe(401);

  await page.getByRole("button", { name: "Enable account" }).click();
  await expect(page.getByText("· Active")).toBeVisible();
  expect((await attemptLogin(device.request, target.email, target.password)).status()).toBe(200);
  await device.close();
});

test("the sign-in form shows the throttling message", async ({ page, org }) => {
  const login = new LoginPage(page);
  await page.setExtraHTTPHeaders({ "x-forwarded-for": testIp() });
  await login.goto();
  for (let i = 0; i < 10; i++) {
    await login.signIn(org.admin.email, `wrong-${i}`);
    await expect(login.error).toHaveText("Wrong email or password.");
  }
  await login.signIn(org.admin.email, org.admin.password);
  await expect(login.error).toHaveText("Too many attempts. Wait a moment and try again.");
});

test("an open calendar hides its appointments once its session is revoked elsewhere", async ({ page, org, loginAs }) => {
  const title = `Open page ${org.tag}`;
  await createTestEvent(org.id, { title, start: dayAt(10), patientIds: [org.patients[0]!.id] });
  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto();
  await expect(planner.event(title)).toBeVisible();
  // An admin revokes every session of the user (as the users page does); the live stream notices.
  await revokeUserSessions(org.staff.id);
  await expect(page.getByRole("alert").filter({ hasText: "Your session has ended" })).toBeVisible();
  await expect(planner.event(title)).toBeHidden();
  await page.getByRole("link", { name: "Sign in again" }).click();
  await expect(page).toHaveURL(/\/login/);
});
