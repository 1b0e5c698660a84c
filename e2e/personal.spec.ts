import ICAL from "ical.js";
import { createTestEvent, createTestOrganization } from "@/lib/testing/test-organization";
import { expect, test } from "./fixtures";
import { MyCalendarPage } from "./pages/MyCalendarPage";
import { addTestException as addException } from "@/lib/testing/test-exceptions";
import { dayAt } from "./support/data";
import { expectAccessible, saveScreen } from "./support/screens";

interface Occ {
  title: string;
  startMs: number;
  endMs: number;
}

/** Every occurrence an iCalendar text yields in [from, to), expanded by ical.js (RRULE, EXDATE, RECURRENCE-ID). */
function expandIcs(text: string, from: Date, to: Date): Occ[] {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const tz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
  const vevents = root.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
  const masters = new Map<string, ICAL.Event>();
  for (const e of vevents) if (!e.isRecurrenceException()) masters.set(e.uid, e);
  for (const e of vevents) if (e.isRecurrenceException()) masters.get(e.uid)?.relateException(e);
  const out: Occ[] = [];
  for (const master of masters.values()) {
    if (!master.isRecurring()) {
      out.push({ title: master.summary, startMs: master.startDate.toJSDate().getTime(), endMs: master.endDate.toJSDate().getTime() });
      continue;
    }
    const it = master.iterator();
    for (let next = it.next(); next; next = it.next()) {
      const details = master.getOccurrenceDetails(next);
      const start = details.startDate.toJSDate().getTime();
      if (next.toJSDate() >= to && start >= to.getTime()) break;
      out.push({ title: details.item.summary, startMs: start, endMs: details.endDate.toJSDate().getTime() });
    }
  }
  return out.filter((o) => o.startMs < to.getTime() && o.endMs > from.getTime()).sort((a, b) => a.startMs - b.startMs);
}

test("a patient's own calendar, and an ICS feed that lists the same occurrences as the API", async ({ page, org, loginAs }) => {
  const [first, second] = org.patients;
  const seriesStart = dayAt(9, -7);
  const weekly = await createTestEvent(org.id, { title: `Weekly ${org.tag}`, start: seriesStart, minutes: 45, patientIds: [first!.id], rrule: "FREQ=WEEKLY;COUNT=8" });
  await addException(weekly, { originalStart: dayAt(9, 7), cancelled: true });
  await addException(weekly, { originalStart: dayAt(9, 14), start: dayAt(15, 15), end: dayAt(16, 15), title: `Moved ${org.tag}` });
  await createTestEvent(org.id, { title: `Group ${org.tag}`, start: dayAt(13, 1), minutes: 60, patientIds: [first!.id, second!.id] });
  await createTestEvent(org.id, { title: `Day off ${org.tag}`, start: dayAt(0, 2), end: dayAt(0, 3), allDay: true, patientIds: [first!.id] });
  await createTestEvent(org.id, { title: `Not mine ${org.tag}`, start: dayAt(10, 1), patientIds: [second!.id] });

  await loginAs(first!.user);
  const mine = new MyCalendarPage(page);
  await mine.goto();
  await expect(mine.calendar.getByText(`Weekly ${org.tag}`).first()).toBeVisible();
  await expect(mine.calendar.getByText(`Not mine ${org.tag}`)).toHaveCount(0);
  await expectAccessible(page);
  await saveScreen(page, "my-calendar");

  const url = await mine.issueFeedUrl();
  await saveScreen(page, "my-calendar-subscribed");
  const feed = await page.request.get(url);
  expect(feed.status()).toBe(200);
  expect(feed.headers()["content-type"]).toContain("text/calendar");
  const ics = await feed.text();
  expect(ics).toContain("BEGIN:VTIMEZONE\r\nTZID:America/New_York");
  expect(ics).toMatch(/RRULE:FREQ=WEEKLY;COUNT=8/);
  expect(ics).toMatch(/EXDATE;TZID=America\/New_York:/);
  expect(ics).toMatch(/RECURRENCE-ID;TZID=America\/New_York:/);
  expect(ics).not.toContain(`Not mine ${org.tag}`);
  expect(ics).not.toContain(second!.name);

  // The same occurrences as the JSON API, over the whole series.
  const from = dayAt(0, -10);
  const to = dayAt(0, 60);
  const api = (await (await page.request.get(`/api/events?start=${from.toISOString()}&end=${to.toISOString()}`)).json()) as { title: string; start: string; end: string; allDay: boolean }[];
  const fromApi = api
    .map((o) => ({
      title: o.title,
      startMs: o.allDay ? Date.parse(`${o.start}T00:00:00`) : Date.parse(o.start),
      endMs: o.allDay ? Date.parse(`${o.end}T00:00:00`) : Date.parse(o.end),
    }))
    .sort((a, b) => a.startMs - b.startMs);
  const fromIcs = expandIcs(ics, from, to).map((o) => ({ ...o }));
  // All-day dates are floating in both: ical.js reads them in the runner's zone, as Date.parse above does.
  expect(fromIcs).toEqual(fromApi);
  expect(fromIcs.filter((o) => o.title === `Weekly ${org.tag}`)).toHaveLength(6);
  expect(fromIcs.filter((o) => o.title === `Moved ${org.tag}`)).toHaveLength(1);

  // Resetting the address turns the old one off.
  const newer = await mine.issueFeedUrl();
  expect(newer).not.toEqual(url);
  expect((await page.request.get(url)).status()).toBe(404);
  expect((await page.request.get(newer)).status()).toBe(200);
});

test("a patient of another organisation never sees these appointments", async ({ page, org, loginAs }) => {
  const [first] = org.patients;
  await createTestEvent(org.id, { title: `Private ${org.tag}`, start: dayAt(10), patientIds: [first!.id] });
  const other = await createTestOrganization({ timeZone: "Europe/London" });
  await loginAs(other.patients[0]!.user);
  const mine = new MyCalendarPage(page);
  await mine.goto();
  await mine.view("Month");
  await expect(page.getByText(`Private ${org.tag}`)).toHaveCount(0);
  const feed = await page.request.get(`/api/events?start=${dayAt(0, -1).toISOString()}&end=${dayAt(0, 2).toISOString()}&patients=${first!.id}`);
  expect(feed.status()).toBe(404);
  expect((await page.request.get("/api/calendars/not-a-token.ics")).status()).toBe(404);
});

test("on a small screen the personal calendar opens as a list", async ({ browser, org }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 800 }, timezoneId: "America/New_York", locale: "en-US" });
  const page = await context.newPage();
  const [first] = org.patients;
  await createTestEvent(org.id, { title: `Phone ${org.tag}`, start: dayAt(11), patientIds: [first!.id] });
  const { loginViaApi } = await import("./fixtures");
  await loginViaApi(page, first!.user);
  const mine = new MyCalendarPage(page);
  await mine.goto();
  await expect(page.getByRole("tab", { name: "List", exact: true })).toHaveAttribute("aria-selected", "true");
  await expect(mine.calendar.getByText(`Phone ${org.tag}`)).toBeVisible();
  await saveScreen(page, "my-calendar-phone");
  await context.close();
});
