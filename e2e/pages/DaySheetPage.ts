import { expect, type Locator, type Page } from "@playwright/test";

/** The printable day sheet: one region (one printed page) per clinician or room. */
export class DaySheetPage {
  readonly controls: Locator;

  constructor(private readonly page: Page) {
    this.controls = page.getByRole("form", { name: "Choose the day sheet" });
  }

  async goto(date: string, kind: "clinician" | "room" = "clinician") {
    await this.page.goto(`/day-sheet?date=${date}&kind=${kind}`);
    await expect(this.controls).toBeVisible();
  }

  /** Sheets are named "<clinician or room> — <long date>". */
  sheet(resource: string): Locator {
    return this.page.getByRole("region", { name: new RegExp(`^${resource} — `) });
  }

  sheets(containing: string): Locator {
    return this.page.getByRole("region", { name: new RegExp(`${containing}.* — `) });
  }

  row(sheet: Locator, title: string): Locator {
    return sheet.getByRole("row", { name: new RegExp(title) });
  }

  async print(): Promise<string> {
    await this.page.emulateMedia({ media: "print" });
    return (await this.page.pdf({ format: "A4" })).toString("latin1");
  }
}
