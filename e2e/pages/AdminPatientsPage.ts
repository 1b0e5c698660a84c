import { expect, type Locator, type Page } from "@playwright/test";

/** Admin pages mark themselves hydrated: forms filled before that could be reset by React. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}

/** The patients list (/patients): search, sort, pages. */
export class PatientsListPage {
  readonly table: Locator;
  readonly count: Locator;
  readonly search: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole("table", { name: "Patients" });
    this.count = page.getByRole("status", { name: "Patient count" });
    this.search = page.getByRole("searchbox", { name: "Search by name" });
  }

  async goto(query = "") {
    await this.page.goto(`/patients${query}`);
    await expect(this.table).toBeVisible();
    await waitForHydration(this.page);
  }

  async searchFor(text: string) {
    await this.search.fill(text);
    await this.page.getByRole("button", { name: "Search" }).click();
    await expect(this.page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(text).replace(/%20/g, "\\+")}`));
  }

  /** The patients' name links, in the order shown. */
  get names(): Locator {
    return this.table.locator("tbody tr td:first-child a");
  }
}

/** One patient's page (/patients/:id): details form, login, archive. */
export class PatientRecordPage {
  readonly details: Locator;
  readonly flash: Locator;

  constructor(private readonly page: Page) {
    this.details = page.getByRole("form", { name: "Patient details" });
    this.flash = page.getByRole("status").filter({ hasText: /Saved|archived|restored|Login|Patient created/ });
  }

  async goto(patientId: string) {
    await this.page.goto(`/patients/${patientId}`);
    await expect(this.details).toBeVisible();
    await waitForHydration(this.page);
  }

  async rename(name: string) {
    await this.details.getByLabel("Name").fill(name);
    await this.details.getByRole("button", { name: "Save" }).click();
    await expect(this.page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  }

  /** Invites the patient to their calendar; returns the one-time link the page shows. */
  async invite(email?: string): Promise<string> {
    const form = this.page.getByRole("form", { name: "Invite to their calendar" });
    if (email !== undefined) await form.getByLabel("Sign-in e-mail").fill(email);
    await form.getByRole("button", { name: "Invite to their calendar" }).click();
    const link = form.getByLabel("One-time link");
    await expect(link).toHaveValue(/\/invite\//);
    return link.inputValue();
  }
}

/** The CSV import (/patients/import). */
export class ImportPage {
  readonly file: Locator;
  readonly preview: Locator;
  readonly error: Locator;

  constructor(private readonly page: Page) {
    this.file = page.getByLabel("CSV file");
    this.preview = page.getByRole("region", { name: "Preview" });
    this.error = page.getByRole("region", { name: "Import patients" }).getByRole("alert");
  }

  async goto() {
    await this.page.goto("/patients/import");
    await waitForHydration(this.page);
  }

  async choose(name: string, content: string | Buffer) {
    await this.file.setInputFiles({ name, mimeType: "text/csv", buffer: typeof content === "string" ? Buffer.from(content) : content });
    await this.page.getByRole("button", { name: "Preview" }).click();
  }
}
