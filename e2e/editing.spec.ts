import type { Page } from "@playwright/test";
import { createTestEvent, createTestOrganization } from "@/lib/testing/test-organization";
import { expect, loginViaApi, test } from "./fixtures";
import { PlannerPage } from "./pages/PlannerPage";
import { settledBox } from "./support/boxes";
import { dayAt } from "./support/data";
import { expectAccessible, saveScreen } from "./support/screens";

interface Occ {
  eventId: string;
  title: string;
  start: string;
  end: string;
  patientIds: string[];
}

const localDate = (d: Date) => d.toLocaleDateString("en-CA", { timeZone: "America/New_York" });

async function feed(page: Page, tag: string): Promise<Occ[]> {
  const response = await page.request.get(`/api/events?start=${dayAt(0, -1).toISOString()}&end=${dayAt(0, 40).toISOString()}&timeZone=America/New_York`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as Occ[]).filter((o) => o.title.includes(tag));
}

test("create a weekly appointment for two patients, move one, edit the following, delete one", async ({ page, org, loginAs }) => {
  const [first, second] = org.patients;
  const tag = org.tag;
  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto("?view=month");

  // Create: a weekly series tomorrow 10:00 for both patients.
  await page.getByRole("button", { name: "New appointment" }).click();
  const editor = page.getByRole("dialog", { name: "New appointment" });
  await editor.getByLabel("Title").fill(`Rehab ${tag}`);
  for (const p of [first!, second!]) {
    await editor.getByRole("combobox", { name: "Patients" }).fill(p.name);
    await page.getByRole("option", { name: p.name }).click();
  }
  const tomorrow = localDate(dayAt(12, 1));
  await editor.getByLabel("Starts").fill(`${tomorrow}T10:00`);
  await editor.getByLabel("Ends").fill(`${tomorrow}T10:45`);
  await editor.getByRole("combobox", { name: "Repeat" }).selectOption({ label: await editor.getByRole("option", { name: /^Weekly on/ }).innerText() });
  await expectAccessible(page);
  await saveScreen(page, "editor");
  await editor.getByRole("button", { name: "Save" }).click();
  await expect(editor).toBeHidden();
  let occurrences = await feed(page, tag);
  expect(occurrences.length).toBeGreaterThanOrEqual(5);
  expect(occurrences[0]!.start).toMatch(new RegExp(`^${tomorrow}T10:00:00-0[45]:00$`));
  expect(occurrences[0]!.patientIds.sort()).toEqual([first!.id, second!.id].sort());

  // Move the first occurrence by drag & drop onto the next day, "this event" only.
  await planner.waitForLoaded();
  const source = planner.calendar.getByText(`Rehab ${tag}`).first();
  await source.scrollIntoViewIfNeeded();
  const from = await settledBox(source);
  const cellWidth = (await settledBox(planner.calendar.getByRole("columnheader").first())).width;
  await page.mouse.move(from.x + 10, from.y + from.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(from.x + 10 + (cellWidth * i) / 10, from.y + from.height / 2);
  await page.mouse.up();
  const scope = page.getByRole("dialog", { name: "Edit recurring event" });
  await expect(scope).toBeVisible();
  await scope.getByRole("radio", { name: "This event" }).check();
  await scope.getByRole("button", { name: "OK" }).click();
  const dayAfter = localDate(dayAt(12, 2));
  await expect.poll(async () => (await feed(page, tag))[0]?.start.slice(0, 10)).toBe(dayAfter);
  occurrences = await feed(page, tag);
  expect(occurrences[1]!.start.slice(0, 10)).toBe(localDate(dayAt(12, 8)));

  // Edit "this and following" from the third occurrence: retitle it.
  await page.getByRole("button", { name: "Next period" }).click();
  await planner.goToDate(localDate(dayAt(12, 15)));
  await planner.view("Week");
  await planner.calendar.getByText(`Rehab ${tag}`).first().click();
  await page.getByRole("dialog", { name: `Rehab ${tag}` }).getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: /^Edit “Rehab/ });
  await edit.getByLabel("Title").fill(`Rehab late ${tag}`);
  await edit.getByRole("button", { name: "Save" }).click();
  const scope2 = page.getByRole("dialog", { name: "Edit recurring event" });
  await scope2.getByRole("radio", { name: "This and following events" }).check();
  await scope2.getByRole("button", { name: "OK" }).click();
  await expect(edit).toBeHidden();
  await expect.poll(async () => (await feed(page, tag)).map((o) => o.title).slice(0, 3)).toEqual([`Rehab ${tag}`, `Rehab ${tag}`, `Rehab late ${tag}`]);

  // Delete the second occurrence only.
  await planner.goToDate(localDate(dayAt(12, 8)));
  await planner.calendar.getByText(`Rehab ${tag}`).first().click();
  await page.getByRole("dialog", { name: `Rehab ${tag}` }).getByRole("button", { name: "Delete" }).click();
  const scope3 = page.getByRole("dialog", { name: "Delete recurring event" });
  await scope3.getByRole("radio", { name: "This event" }).check();
  await scope3.getByRole("button", { name: "OK" }).click();
  await expect.poll(async () => (await feed(page, tag)).map((o) => o.start.slice(0, 10)).slice(0, 2)).toEqual([dayAfter, localDate(dayAt(12, 15))]);
  const staffView = (await feed(page, tag)).map((o) => `${o.title} ${o.start}`);

  // Patient 1 sees exactly the same appointments; a patient of another organisation sees none of them.
  const patientContext = await page.context().browser()!.newContext({ timezoneId: "America/New_York", locale: "en-US" });
  const patientPage = await patientContext.newPage();
  await patientPage.goto(page.url());
  await loginViaApi(patientPage, first!.user);
  expect((await feed(patientPage, tag)).map((o) => `${o.title} ${o.start}`)).toEqual(staffView);
  const other = await createTestOrganization({ timeZone: "Europe/London" });
  const otherContext = await page.context().browser()!.newContext();
  const otherPage = await otherContext.newPage();
  await otherPage.goto(page.url().replace(/\/calendar.*/, "/login"));
  await loginViaApi(otherPage, other.patients[0]!.user);
  expect(await feed(otherPage, tag)).toEqual([]);
  await patientContext.close();
  await otherContext.close();
});

test("a conflict with another appointment of the same patient warns before saving", async ({ page, org, loginAs }) => {
  const [first] = org.patients;
  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto();
  const day = localDate(dayAt(12, 1));
  for (const title of [`First ${org.tag}`, `Second ${org.tag}`]) {
    await page.getByRole("button", { name: "New appointment" }).click();
    const editor = page.getByRole("dialog", { name: "New appointment" });
    await editor.getByLabel("Title").fill(title);
    await editor.getByRole("combobox", { name: "Patients" }).fill(first!.name);
    await page.getByRole("option", { name: first!.name }).click();
    await editor.getByLabel("Starts").fill(`${day}T09:00`);
    await editor.getByLabel("Ends").fill(`${day}T10:00`);
    await editor.getByRole("button", { name: "Save" }).click();
    if (title.startsWith("Second")) {
      const warning = page.getByRole("dialog", { name: "Scheduling conflict" });
      await expect(warning).toContainText(`First ${org.tag}`);
      await saveScreen(page, "conflict-warning");
      await warning.getByRole("button", { name: "Save anyway" }).click();
    }
    await expect(editor).toBeHidden();
  }
  expect((await feed(page, org.tag)).map((o) => o.title).sort()).toEqual([`First ${org.tag}`, `Second ${org.tag}`]);
});

test("resize an occurrence and drag it, each for all events of the series", async ({ page, org, loginAs }) => {
  const tag = org.tag;
  const title = `Stretch ${tag}`;
  await createTestEvent(org.id, { title, start: dayAt(10, 1), minutes: 30, patientIds: [org.patients[0]!.id], rrule: "FREQ=WEEKLY;COUNT=4" });
  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto(`?view=week&date=${localDate(dayAt(12, 1))}`);
  const local = (iso: string) => iso.slice(11, 16);
  const scopeAll = async () => {
    const scope = page.getByRole("dialog", { name: "Edit recurring event" });
    await expect(scope).toBeVisible();
    await scope.getByRole("radio", { name: "All events" }).check();
    await scope.getByRole("button", { name: "OK" }).click();
    await expect(scope).toBeHidden();
  };
  /** Presses at a point of the event, moves down by `dy` in small steps (as a hand does) and lets go. */
  const dragDown = async (x: number, y: number, dy: number) => {
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(x, y + (dy * i) / 10);
    await page.mouse.up();
  };

  // Resize: pull the bottom edge down by two half-hour slots (the event's own height is one slot).
  const event = page.getByRole("button", { name: title }).first();
  // Mid-screen, so that the pointer's path downwards stays inside the viewport.
  await event.evaluate((element) => element.scrollIntoView({ block: "center" }));
  await event.hover();
  let box = await settledBox(event);
  const slot = box.height;
  await dragDown(box.x + box.width / 2, box.y + box.height - 2, slot * 2);
  await scopeAll();
  await expect
    .poll(async () => (await feed(page, tag)).map((o) => `${local(o.start)}-${local(o.end)}`))
    .toEqual(Array(4).fill("10:00-11:30"));

  // Drag: move the first occurrence an hour later; with "All events" the whole series moves.
  // Measured once it shows its new length (the resize's refetches replace its element).
  await planner.waitForLoaded();
  await event.evaluate((element) => element.scrollIntoView({ block: "center" }));
  box = await settledBox(event, slot * 2.5);
  await dragDown(box.x + box.width / 2, box.y + slot / 2, slot * 2);
  await scopeAll();
  await expect
    .poll(async () => (await feed(page, tag)).map((o) => `${local(o.start)}-${local(o.end)}`))
    .toEqual(Array(4).fill("11:00-12:30"));
});
