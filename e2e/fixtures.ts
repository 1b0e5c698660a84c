import { test as base, expect, type Page } from "@playwright/test";
import { closeDb } from "@/lib/db/client";
import { closeRedis } from "@/lib/redis/client";
import { createTestOrganization, type TestOrganization, type TestUser } from "@/lib/testing/test-organization";

/** Signs in through next-auth's API (no typing of passwords): the page's context receives the cookie. */
export async function loginViaApi(page: Page, user: { email: string; password: string }): Promise<void> {
  const csrf = await page.request.get("/api/auth/csrf");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: user.email, password: user.password, json: "true" },
    maxRedirects: 0,
  });
  expect(response.status(), `login of ${user.email}`).toBeLessThan(400);
  const cookies = await page.context().cookies();
  expect(cookies.some((c) => c.name.endsWith("next-auth.session-token")), `session cookie for ${user.email}`).toBe(true);
}

export const DEMO_PASSWORD = "demo-password";

interface Fixtures {
  /** A fresh organisation of this test's own, with an admin, a staff user and two patients with logins. */
  org: TestOrganization;
  loginAs: (user: Pick<TestUser, "email" | "password">) => Promise<void>;
}

export const test = base.extend<Fixtures, { database: void }>({
  database: [
    async ({}, provide) => {
      await provide();
      await closeDb();
      await closeRedis();
    },
    { scope: "worker" },
  ],
  org: async ({ database }, provide) => {
    void database;
    await provide(await createTestOrganization());
  },
  loginAs: async ({ page }, provide) => {
    await provide((user) => loginViaApi(page, user));
  },
});

export { expect };
