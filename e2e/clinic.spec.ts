import type { Page } from "@playwright/test";
import { createEvent } from "@/lib/events/create-event";
import { setOccurrenceStatus } from "@/lib/events/status";
import { createTestAppointmentType, createTestClosure, createTestResource } from "@/lib/testing/clinic-fixtures";
import { expect, test } from "./fixtures";
import { AppointmentDialog } from "./pages/AppointmentDialog";
import { AppointmentEditor } from "./pages/AppointmentEditor";
import { ClinicPanel } from "./pages/ClinicPanel";
import { DaySheetPage } from "./pages/DaySheetPage";
import { MyCalendarPage } from "./pages/MyCalendarPage";
import { PlannerPage } from "./pages/PlannerPage";
import { dayAt } from "./support/data";
import { expectAccessible, saveScreen } from "./support/screens";

const TZ = "America/New_York";
const localDate = (d: Date) => d.toLocaleDateString("en-CA", { timeZone: TZ });
/** A Tuesday to Thursday at least `days` ahead, so a week view shows the days around it. */
function midweek(days: number): number {
  for (let d = days; ; d += 1) {
    const weekday = new Date(dayAt(12, d)).toLocaleDateString("en-US", { timeZone: TZ, weekday: "short" });
    if (["Tue", "Wed", "Thu"].includes(weekday)) return d;
  }
}

interface Occ {
  eventId: string;
  title: string;
  start: string;
  status?: string;
}

async function feed(page: Page, tag: string): Promise<Occ[]> {
  const response = await page.request.get(`/api/events?start=${dayAt(0, -1).toISOString()}&end=${dayAt(0, 60).toISOString()}&timeZone=${TZ}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as Occ[]).filter((o) => o.title.includes(tag));
}

test("book with a type, clinician and room; one-click statuses; a cancellation stays struck through for staff and leaves the patient's calendar and ICS", async ({ page, org, loginAs }) => {
  test.slow(); // a booking, three status changes, a second sign-in and the ICS feed
  const tag = org.tag;
  const [first] = org.patients;
  await createTestResource(org.id, "clinician", `Dr Hale ${tag}`);
  await createTestResource(org.id, "room", `Room 7 ${tag}`);
  await createTestAppointmentType(org.id, `Assessment ${tag}`, 60);
  const day = localDate(dayAt(12, midweek(2)));

  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto(`?view=week&date=${day}`);
  const editor = new AppointmentEditor(page);
  await editor.open();
  await editor.fill({ title: `Intake ${tag}`, patients: [first!.name], start: `${day}T10:00`, end: `${day}T10:30`, type: `Assessment ${tag} (60 min)`, clinician: `Dr Hale ${tag}`, room: `Room 7 ${tag}` });
  // Choosing the type filled the length.
  await expect(editor.dialog.getByLabel("Ends")).toHaveValue(`${day}T11:00`);
  await editor.save();
  await expect(editor.dialog).toBeHidden();

  await planner.event(`Intake ${tag}`).click();
  const details = new AppointmentDialog(page, `Intake ${tag}`);
  await expect(details.detail("Status")).toHaveText("Booked");
  await expect(details.detail("Type")).toHaveText(`Assessment ${tag}`);
  await expect(details.detail("Clinician")).toHaveText(`Dr Hale ${tag}`);
  await expect(details.detail("Room")).toHaveText(`Room 7 ${tag}`);
  await details.setStatus("Confirm");
  await expect(details.detail("Status")).toHaveText("Confirmed");
  await expect(planner.event(new RegExp(`Intake ${tag}.* — Confirmed`))).toBeVisible();
  await details.setStatus("Check in");
  await expect(details.detail("Status")).toHaveText("Checked in");
  await expectAccessible(page);
  await saveScreen(page, "status-actions");
  await details.cancel("Patient unwell");
  await expect(details.detail("Reason")).toHaveText("Patient unwell");
  await details.close();

  // Staff still see it, struck through and labelled.
  const cancelled = planner.event(new RegExp(`Intake ${tag}.* — Cancelled`));
  await expect(cancelled).toBeVisible();
  // Struck through: the event (FullCalendar renders it as a button) carries the cancelled style.
  const event = planner.calendar.getByRole("button", { name: new RegExp(`Intake ${tag}.* — Cancelled`) });
  expect(await event.evaluate((el) => getComputedStyle(el).textDecorationLine)).toContain("line-through");
  await saveScreen(page, "cancelled-for-staff");
  expect((await feed(page, tag)).map((o) => o.status)).toEqual(["cancelled"]);

  // The patient's calendar, feed and ICS no longer have it.
  await loginAs(first!.user);
  const mine = new MyCalendarPage(page);
  await mine.goto();
  await expect(mine.calendar.getByText(`Intake ${tag}`)).toHaveCount(0);
  expect(await feed(page, tag)).toEqual([]);
  const ics = await (await page.request.get(await mine.issueFeedUrl())).text();
  expect(ics).toContain("BEGIN:VCALENDAR");
  expect(ics).not.toContain(`Intake ${tag}`);
});

test("a closure shows on the calendar, warns before booking, lists a series' affected occurrences; only an administrator books anyway", async ({ page, org, loginAs }) => {
  test.slow(); // two sign-ins and two booking round trips
  const tag = org.tag;
  const [first] = org.patients;
  const offset = midweek(9);
  const closed = localDate(dayAt(12, offset));
  await createTestClosure(org.id, { title: `Clinic closed ${tag}`, start: dayAt(0, offset), end: dayAt(0, offset + 1), allDay: true });
  const seriesStart = localDate(dayAt(12, offset - 7));

  const book = async () => {
    const planner = new PlannerPage(page);
    await planner.goto(`?view=week&date=${closed}`);
    await expect(new ClinicPanel(page).closures).toContainText(`Clinic closed ${tag}`);
    const editor = new AppointmentEditor(page);
    await editor.open();
    await editor.fill({ title: `Weekly ${tag}`, patients: [first!.name], start: `${seriesStart}T09:00`, end: `${seriesStart}T09:30`, repeat: /^Weekly on/ });
    await editor.save();
    const warning = page.getByRole("dialog", { name: "Closed at that time" });
    await expect(warning.getByRole("list", { name: "Affected occurrences" }).getByRole("listitem")).toHaveText([new RegExp(`Closed: Clinic closed ${tag}`)]);
    return { editor, warning };
  };

  await loginAs(org.staff);
  const asStaff = await book();
  await expect(asStaff.warning.getByText("Only an administrator can book into a closure.")).toBeVisible();
  await expect(asStaff.warning.getByRole("button", { name: "Book anyway" })).toHaveCount(0);
  await expectAccessible(page);
  await saveScreen(page, "closure-warning");
  await asStaff.warning.getByRole("button", { name: "Back", exact: true }).click();
  await expect(asStaff.editor.dialog).toBeVisible();
  expect(await feed(page, tag)).toEqual([]);

  await loginAs(org.admin);
  const asAdmin = await book();
  await asAdmin.warning.getByRole("button", { name: "Book anyway" }).click();
  await expect(asAdmin.editor.dialog).toBeHidden();
  expect((await feed(page, tag)).map((o) => o.start.slice(0, 10))).toContain(closed);
});

test("search finds appointments by patient, title, clinician and room, and opens them", async ({ page, org, loginAs }) => {
  const tag = org.tag;
  const [first, second] = org.patients;
  const clinician = await createTestResource(org.id, "clinician", `Dr Moreau ${tag}`);
  const room = await createTestResource(org.id, "room", `Hydro pool ${tag}`);
  const day = dayAt(14, midweek(3));
  const at = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000).toISOString();
  await createEvent(org.staff.actor, { title: `Aquatic therapy ${tag}`, start: at(day, 0), end: at(day, 45), timeZone: TZ, patientIds: [first!.id], clinicianId: clinician, roomId: room });
  await createEvent(org.staff.actor, { title: `Gait review ${tag}`, start: at(day, 60), end: at(day, 90), timeZone: TZ, patientIds: [second!.id] });

  await loginAs(org.staff);
  const planner = new PlannerPage(page);
  await planner.goto("?view=week");
  const panel = new ClinicPanel(page);
  const cases: [string, "Patient name" | "Title" | "Clinician" | "Room", string][] = [
    [first!.name, "Patient name", `Aquatic therapy ${tag}`],
    [`gait review ${tag}`, "Title", `Gait review ${tag}`],
    [`Moreau ${tag}`, "Clinician", `Aquatic therapy ${tag}`],
    [`pool ${tag}`, "Room", `Aquatic therapy ${tag}`],
  ];
  for (const [q, field, title] of cases) {
    await panel.search(q, { field });
    await expect(panel.results.getByRole("button"), `${field}: ${q}`).toHaveCount(1);
    await expect(panel.results.getByRole("button")).toContainText(title);
  }
  await saveScreen(page, "search-results");
  await panel.results.getByRole("button", { name: new RegExp(`Aquatic therapy ${tag}`) }).click();
  const details = new AppointmentDialog(page, `Aquatic therapy ${tag}`);
  await expect(details.detail("Room")).toHaveText(`Hydro pool ${tag}`);
  await details.close();
  // The calendar went to the appointment's week; filtered by the clinician, only theirs stays.
  await panel.clinician.selectOption({ label: `Dr Moreau ${tag}` });
  await planner.waitForLoaded();
  await expect(planner.event(`Aquatic therapy ${tag}`)).toBeVisible();
  await expect(planner.calendar.getByText(`Gait review ${tag}`)).toHaveCount(0);
  // Lanes per clinician.
  await panel.clinician.selectOption({ label: "All clinicians" });
  await planner.view("Lanes");
  await panel.laneRows.selectOption({ label: "Clinicians" });
  const lanes = page.getByRole("region", { name: "Clinician lanes" });
  await expect(lanes.getByRole("row", { name: new RegExp(`Dr Moreau ${tag}`) }).getByRole("button", { name: new RegExp(`Aquatic therapy ${tag}`) })).toBeVisible();
});

test("50 concurrent bookings of one clinician slot over HTTP: exactly one 201, the rest 409 scheduling_conflict", async ({ page, org, loginAs, baseURL }) => {
  const clinician = await createTestResource(org.id, "clinician", `Dr Busy ${org.tag}`);
  await loginAs(org.staff);
  const start = dayAt(11, midweek(5));
  const body = (i: number) => ({
    title: `Slot ${i}`,
    start: start.toISOString(),
    end: new Date(start.getTime() + 30 * 60_000).toISOString(),
    timeZone: TZ,
    patientIds: [org.patients[i % 2]!.id],
    clinicianId: clinician,
    allowConflicts: true,
  });
  const responses = await Promise.all(
    Array.from({ length: 50 }, (_, i) => page.request.post("/api/events", { data: body(i), headers: { Origin: baseURL! } })),
  );
  const statuses = responses.map((r) => r.status());
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  expect(statuses.filter((s) => s === 409)).toHaveLength(49);
  const loser = (await responses.find((r) => r.status() === 409)!.json()) as { error: { code: string; conflicts: { title: string }[] } };
  expect(loser.error.code).toBe("scheduling_conflict");
  expect(loser.error.conflicts).toHaveLength(1);
});

test("the day sheet prints one page per clinician with patient, type, status and notes", async ({ page, org, loginAs }) => {
  const tag = org.tag;
  const [first, second] = org.patients;
  const lin = await createTestResource(org.id, "clinician", `Dr Lin ${tag}`);
  const ortiz = await createTestResource(org.id, "clinician", `Dr Ortiz ${tag}`);
  const followUp = await createTestAppointmentType(org.id, `Follow-up ${tag}`, 30);
  const offset = midweek(4);
  const date = localDate(dayAt(12, offset));
  const slot = (hour: number, minutes = 30) => ({ start: dayAt(hour, offset).toISOString(), end: new Date(dayAt(hour, offset).getTime() + minutes * 60_000).toISOString(), timeZone: TZ });
  await createEvent(org.staff.actor, { title: `Knee check ${tag}`, ...slot(9), patientIds: [first!.id], clinicianId: lin, typeId: followUp, description: "Bring X-rays" });
  const missed = await createEvent(org.staff.actor, { title: `Shoulder ${tag}`, ...slot(10), patientIds: [second!.id], clinicianId: lin });
  await setOccurrenceStatus(org.staff.actor, missed.id, { status: "cancelled", reason: "Rescheduled by phone" });
  await createEvent(org.staff.actor, { title: `Back pain ${tag}`, ...slot(9, 60), patientIds: [second!.id], clinicianId: ortiz });

  await loginAs(org.staff);
  const daySheet = new DaySheetPage(page);
  await daySheet.goto(date);
  await expect(daySheet.sheets(tag)).toHaveCount(2);
  const linSheet = daySheet.sheet(`Dr Lin ${tag}`);
  const knee = daySheet.row(linSheet, `Knee check ${tag}`);
  await expect(knee).toContainText("09:00–09:30");
  await expect(knee).toContainText(first!.name);
  await expect(knee).toContainText(`Follow-up ${tag}`);
  await expect(knee).toContainText("Booked");
  await expect(knee).toContainText("Bring X-rays");
  await expect(daySheet.row(linSheet, `Shoulder ${tag}`)).toContainText("Cancelled (Rescheduled by phone)");
  await expect(daySheet.row(daySheet.sheet(`Dr Ortiz ${tag}`), `Back pain ${tag}`)).toContainText(second!.name);
  await expectAccessible(page);

  const pdf = await daySheet.print();
  await expect(daySheet.controls).toBeHidden();
  await expect(page.getByRole("banner")).toBeHidden();
  await saveScreen(page, "day-sheet-print");
  // One page per clinician: a PDF page object per sheet.
  expect(pdf.match(/\/Type\s*\/Page(?!s)/g)).toHaveLength(2);
});
