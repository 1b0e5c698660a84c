import { expect, type Locator, type Page } from "@playwright/test";

/** An appointment opened from the calendar: details, the status buttons, edit and delete. */
export class AppointmentDialog {
  readonly dialog: Locator;
  readonly statusGroup: Locator;

  constructor(page: Page, title: string | RegExp) {
    this.dialog = page.getByRole("dialog", { name: title });
    this.statusGroup = this.dialog.getByRole("group", { name: "Status" });
  }

  /** The value shown for a label of the details list ("Status", "Clinician", "Room", "Type", …). */
  detail(label: string): Locator {
    return this.dialog.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]");
  }

  async setStatus(button: "Confirm" | "Check in" | "Attended" | "No-show") {
    await this.statusGroup.getByRole("button", { name: button, exact: true }).click();
    await expect(this.statusGroup.getByRole("button", { name: button, exact: true })).toHaveAttribute("aria-pressed", "true");
  }

  async cancel(reason: string) {
    await this.statusGroup.getByRole("button", { name: "Cancel appointment…" }).click();
    await this.statusGroup.getByLabel("Reason for cancelling").fill(reason);
    await this.statusGroup.getByRole("button", { name: "Cancel appointment", exact: true }).click();
    await expect(this.detail("Status")).toHaveText("Cancelled");
  }

  async close() {
    await this.dialog.getByRole("button", { name: "Close" }).click();
    await expect(this.dialog).toBeHidden();
  }
}
