/**
 * Time from navigation to a rendered week view in Chromium (Debian's, driven by Playwright), each run in
 * a fresh browser context (no HTTP cache, so every run loads the page's scripts as a first visit does).
 */
import { chromium, type Page } from "@playwright/test";
import { hostOf } from "./http";

export interface BrowserRun {
  /** Navigation start to the first appointment visible in the calendar. */
  firstEventMs: number;
  /** Navigation start to the calendar holding all its appointments (count stable for 150 ms). */
  renderedMs: number;
  /** Navigation start to the end of the page's HTML response. */
  documentMs: number;
  /** Navigation start to the end of the (last) feed response. */
  feedMs: number | null;
  events: number;
  feedUrls: string[];
}

export interface BrowserOptions {
  executablePath: string;
  port: number;
  sessionToken: string;
  path: string;
  timeZone: string;
  runs: number;
  /** Titles of the appointments shown: FullCalendar 7's class names are hashed, its text is not. */
  titles: string[];
}

/**
 * Page-side code, as text: functions compiled by tsx would carry its helpers into the page.
 * COUNT: appointments on screen, i.e. text nodes inside the calendar region that are an appointment title,
 * alone or followed by " · " and the patients' names (as the cohort planner titles them). LOADING: the
 * calendar's status says it is loading.
 */
const COUNT = `((titles) => {
  const region = document.querySelector('[aria-label="Appointments calendar"]');
  if (!region) return 0;
  const wanted = new Set(titles);
  const walker = document.createTreeWalker(region, NodeFilter.SHOW_TEXT);
  let n = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if (wanted.has((node.nodeValue || "").trim().split(" · ")[0])) n += 1;
  return n;
})`;
export const LOADING = `[...document.querySelectorAll('[role="status"]')].some((e) => /loading/i.test(e.textContent || ""))`;

export const ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

/**
 * Waits for the first appointment, then until the page is rendered: loading is over and the number of
 * appointments on screen stops changing. Times are from `started` (ms).
 */
export async function waitUntilRendered(page: Page, titles: readonly string[], started: number, onChange?: (events: number, at: number) => Promise<void> | void) {
  const count = `${COUNT}(${JSON.stringify(titles)})`;
  await page.waitForFunction(count, undefined, { timeout: 60_000, polling: "raf" });
  const firstEventMs = Date.now() - started;
  let events = -1;
  let stableSince = Date.now();
  let renderedAt = firstEventMs;
  while ((Date.now() - stableSince < 150 || (await page.evaluate(LOADING))) && Date.now() - started < 60_000) {
    const now = (await page.evaluate(count)) as number;
    if (now !== events) {
      await onChange?.(now, Date.now() - started);
      events = now;
      stableSince = Date.now();
      renderedAt = Date.now() - started;
    }
    await page.waitForTimeout(20);
  }
  return { firstEventMs, renderedAt, events };
}

export async function measureBrowser(options: BrowserOptions): Promise<BrowserRun[]> {
  const browser = await chromium.launch({ executablePath: options.executablePath, args: ARGS });
  const runs: BrowserRun[] = [];
  try {
    // One navigation first, not counted: the server's first render of the page after a restart loads its
    // route modules (hundreds of milliseconds), which no user's visit pays on a server in service.
    for (let i = -1; i < options.runs; i += 1) {
      // bypassCSP: the app's nonce-based CSP refuses the string predicates Playwright evaluates (EvalError); the
      // page's own scripts are unaffected either way.
      const context = await browser.newContext({ timezoneId: options.timeZone, locale: "en-US", viewport: { width: 1440, height: 900 }, bypassCSP: true });
      await context.addCookies([
        { name: "next-auth.session-token", value: options.sessionToken, domain: "localhost", path: "/", httpOnly: true, sameSite: "Lax" },
      ]);
      const page = await context.newPage();
      const feeds: { url: string; at: number }[] = [];
      let documentAt = 0;
      const started = Date.now();
      page.on("requestfinished", (request) => {
        const url = request.url();
        if (url.includes("/api/events")) feeds.push({ url, at: Date.now() - started });
        else if (request.resourceType() === "document" && !documentAt) documentAt = Date.now() - started;
      });
      await page.goto(`http://${hostOf(options.port)}${options.path}`, { waitUntil: "commit", timeout: 30_000 });
      const { firstEventMs, renderedAt, events } = await waitUntilRendered(page, options.titles, started);
      if (i >= 0) runs.push({
        firstEventMs,
        renderedMs: renderedAt,
        documentMs: documentAt,
        feedMs: feeds.length ? feeds[feeds.length - 1]!.at : null,
        events,
        feedUrls: feeds.map((f) => f.url.replace(/^https?:\/\/[^/]+/, "")),
      });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return runs;
}
