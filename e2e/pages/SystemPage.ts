import type { Locator, Page } from "@playwright/test";

export class SystemPage {
  readonly heading: Locator;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1 });
  }

  async goto() {
    await this.page.goto("/admin/system");
  }

  /** One of the page's figures, by its title ("Cache hit ratio", "Outbox backlog", …). */
  card(title: string): Locator {
    return this.page.getByRole("region", { name: title });
  }
}
