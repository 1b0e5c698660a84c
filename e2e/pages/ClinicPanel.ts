import { expect, type Locator, type Page } from "@playwright/test";

/** The cohort calendar's clinician and room controls, closures in view, and appointment search. */
export class ClinicPanel {
  readonly panel: Locator;
  readonly clinician: Locator;
  readonly room: Locator;
  readonly colorBy: Locator;
  readonly laneRows: Locator;
  readonly closures: Locator;
  readonly searchForm: Locator;
  readonly results: Locator;

  constructor(private readonly page: Page) {
    this.panel = page.getByRole("region", { name: "Clinicians and rooms" });
    this.clinician = this.panel.getByLabel("Clinician", { exact: true });
    this.room = this.panel.getByLabel("Room", { exact: true });
    this.colorBy = this.panel.getByLabel("Colour by");
    this.laneRows = this.panel.getByLabel("Lanes show");
    this.closures = this.panel.getByRole("heading", { name: "Closed in this period" }).locator("xpath=following-sibling::ul[1]");
    this.searchForm = this.panel.getByRole("search", { name: "Find appointments" });
    this.results = this.panel.getByRole("list", { name: "Search results" });
  }

  async search(q: string, options: { field?: "Every field" | "Patient name" | "Title" | "Clinician" | "Room"; from?: string; to?: string } = {}) {
    if (!(await this.searchForm.isVisible())) await this.panel.getByText("Find appointments", { exact: true }).click();
    await this.searchForm.getByLabel("Search appointments").fill(q);
    await this.searchForm.getByLabel("Search in").selectOption({ label: options.field ?? "Every field" });
    if (options.from) await this.searchForm.getByLabel("From").fill(options.from);
    if (options.to) await this.searchForm.getByLabel("To").fill(options.to);
    await this.searchForm.getByRole("button", { name: "Search" }).click();
    await expect(this.panel.getByRole("status")).toHaveText(/found/);
  }
}
