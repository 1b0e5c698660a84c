import { expect, type Locator, type Page } from "@playwright/test";

/** The cohort calendar (staff): selection, legend, toolbar, views. */
export class PlannerPage {
  readonly calendar: Locator;
  readonly show: Locator;
  readonly picker: Locator;
  readonly legend: Locator;
  readonly title: Locator;
  readonly datePicker: Locator;
  readonly lanes: Locator;
  readonly status: Locator;

  constructor(private readonly page: Page) {
    this.calendar = page.getByRole("region", { name: "Appointments calendar" });
    this.show = page.getByLabel("Show", { exact: true });
    this.picker = page.getByRole("combobox", { name: "Find patients" });
    this.legend = page.getByRole("region", { name: "Legend" });
    this.title = this.calendar.getByRole("heading", { level: 2 });
    this.datePicker = page.getByLabel("Go to date");
    this.lanes = page.getByRole("region", { name: "Patient lanes" });
    this.status = page.getByRole("status").first();
  }

  async goto(query = "") {
    await this.page.goto(`/calendar${query}`);
    await this.waitForLoaded();
  }

  async waitForLoaded() {
    // The planner is loaded on the client ("Loading calendar…" until then): on a 2-core machine under
    // load that alone has taken more than the default 10 s.
    await expect(this.calendar).toBeVisible({ timeout: 30_000 });
    await expect(this.calendar.getByRole("status").first()).not.toHaveText(/Loading/);
  }

  async view(name: "Day" | "Week" | "Month" | "Year" | "List" | "Lanes") {
    await this.page.getByRole("tab", { name, exact: true }).click();
    await this.waitForLoaded();
  }

  async showCohort(name: string) {
    const option = this.show.getByRole("option", { name: new RegExp(`^Cohort: ${name}`) });
    await this.show.selectOption({ label: (await option.textContent())!.trim() });
    await this.waitForLoaded();
  }

  async choosePatients(names: string[]) {
    await this.show.selectOption({ label: "Chosen patients…" });
    for (const name of names) {
      await this.picker.fill(name);
      await this.page.getByRole("option", { name }).click();
    }
    await this.picker.press("Escape");
    await this.waitForLoaded();
  }

  legendToggle(name: string): Locator {
    return this.legend.getByRole("checkbox", { name: `Show ${name}` });
  }

  /** An event's own control, to open it: FullCalendar renders each as a button named by its time and title. */
  async openEvent(title: string) {
    await this.calendar.getByRole("button", { name: title }).first().click();
  }

  event(title: string | RegExp): Locator {
    return this.calendar.getByText(title).first();
  }

  async goToDate(date: string) {
    await this.datePicker.fill(date);
    await this.waitForLoaded();
  }
}
