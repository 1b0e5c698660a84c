import { expect, type Locator, type Page } from "@playwright/test";

export class CalendarPage {
  readonly heading: Locator;
  readonly calendar: Locator;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1 });
    this.calendar = page.getByRole("region", { name: "Appointments calendar" });
  }

  async gotoCohort() {
    await this.page.goto("/calendar");
  }

  async gotoPersonal() {
    await this.page.goto("/my-calendar");
  }

  async showView(name: "Month" | "Week" | "Day" | "List") {
    await this.page.getByRole("tab", { name: new RegExp(`^${name}`, "i") }).click();
  }

  /** Event elements FullCalendar rendered (links or list rows) whose text contains `title`. */
  event(title: string | RegExp): Locator {
    return this.calendar.getByText(title).first();
  }

  async waitForLoaded() {
    await expect(this.calendar).toBeVisible();
    // FullCalendar has a status region of its own ("No events to display"): name ours.
    await expect(this.page.getByRole("status", { name: "Calendar status" })).not.toHaveText(/Loading/);
  }
}
