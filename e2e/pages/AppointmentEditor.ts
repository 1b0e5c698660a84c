import { expect, type Locator, type Page } from "@playwright/test";

/** The "New appointment" / "Edit …" dialog. */
export class AppointmentEditor {
  readonly dialog: Locator;

  constructor(
    private readonly page: Page,
    name: string | RegExp = "New appointment",
  ) {
    this.dialog = page.getByRole("dialog", { name });
  }

  async open() {
    await this.page.getByRole("button", { name: "New appointment" }).click();
    await expect(this.dialog).toBeVisible();
  }

  async fill(values: { title: string; patients: string[]; start?: string; end?: string; type?: string; clinician?: string; room?: string; repeat?: RegExp }) {
    await this.dialog.getByLabel("Title").fill(values.title);
    for (const name of values.patients) {
      await this.dialog.getByRole("combobox", { name: "Patients" }).fill(name);
      await this.page.getByRole("option", { name }).click();
    }
    if (values.start) await this.dialog.getByLabel("Starts").fill(values.start);
    if (values.end) await this.dialog.getByLabel("Ends").fill(values.end);
    if (values.type) await this.dialog.getByLabel("Type").selectOption({ label: values.type });
    if (values.clinician) await this.dialog.getByLabel("Clinician").selectOption({ label: values.clinician });
    if (values.room) await this.dialog.getByLabel("Room").selectOption({ label: values.room });
    if (values.repeat) {
      const repeat = this.dialog.getByRole("combobox", { name: "Repeat" });
      await repeat.selectOption({ label: await repeat.getByRole("option", { name: values.repeat }).innerText() });
    }
  }

  async save() {
    await this.dialog.getByRole("button", { name: "Save" }).click();
  }
}
