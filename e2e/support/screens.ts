import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** Saves a full-page screenshot of a main screen to test-results/screens/<name>.png for people to look at. */
export async function saveScreen(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}

/** No serious or critical axe violations (WCAG 2.1 A/AA) on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  expect(summary, "serious/critical accessibility violations").toEqual([]);
}
