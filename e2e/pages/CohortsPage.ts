import { expect, type Locator, type Page } from "@playwright/test";

export class CohortsPage {
  readonly newName: Locator;
  readonly rename: Locator;
  readonly members: Locator;
  readonly picker: Locator;
  readonly status: Locator;

  constructor(private readonly page: Page) {
    this.newName = page.getByLabel("New cohort");
    this.rename = page.getByLabel("Name", { exact: true });
    this.members = page.getByRole("list", { name: "Members" });
    this.picker = page.getByRole("combobox", { name: "Add or remove patients" });
    this.status = page.getByRole("status");
  }

  async goto() {
    await this.page.goto("/cohorts");
  }

  async create(name: string) {
    await this.newName.fill(name);
    await this.page.getByRole("button", { name: "Create" }).click();
    await expect(this.status).toHaveText(`Cohort “${name}” created.`);
  }

  async open(name: string) {
    await this.page.getByRole("button", { name: new RegExp(`^${name}`) }).click();
  }

  async add(patientName: string) {
    await this.picker.fill(patientName);
    await this.page.getByRole("option", { name: patientName }).click();
    await expect(this.status).toHaveText(`${patientName} added.`);
  }
}
