import { expect, type Locator, type Page } from "@playwright/test";

/** A patient's own calendar and the "subscribe" panel. */
export class MyCalendarPage {
  readonly calendar: Locator;
  readonly subscribe: Locator;
  readonly feedUrl: Locator;

  constructor(private readonly page: Page) {
    this.calendar = page.getByRole("region", { name: "Appointments calendar" });
    this.subscribe = page.getByRole("region", { name: "Subscribe in another calendar" });
    this.feedUrl = page.getByLabel("Your private calendar address");
  }

  async goto() {
    await this.page.goto("/my-calendar");
    // Loaded on the client, like the planner (e2e/pages/PlannerPage.ts).
    await expect(this.calendar).toBeVisible({ timeout: 30_000 });
    await expect(this.calendar.getByRole("status").first()).not.toHaveText(/Loading/);
  }

  async view(name: "Week" | "Month" | "List") {
    await this.page.getByRole("tab", { name, exact: true }).click();
  }

  /** Gets (or resets) the private feed address and returns it. */
  async issueFeedUrl(): Promise<string> {
    const before = (await this.feedUrl.count()) ? await this.feedUrl.inputValue() : "";
    await this.subscribe.getByRole("button", { name: /Get address|Reset address/ }).click();
    await expect(this.feedUrl).toHaveValue(/\/api\/calendars\/.+\.ics$/);
    // A reset replaces the address shown: wait for the new one.
    await expect.poll(() => this.feedUrl.inputValue()).not.toBe(before);
    return this.feedUrl.inputValue();
  }
}
