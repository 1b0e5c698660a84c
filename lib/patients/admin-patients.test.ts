import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptInvite, describeInvite } from "@/lib/auth/invites";
import { createSession, readSession } from "@/lib/auth/session-store";
import { verifyCredentials } from "@/lib/auth/verify-credentials";
import { closeDb, db } from "@/lib/db/client";
import { listOccurrencesJson } from "@/lib/events/list-occurrences";
import { getOrgSettings, updateOrgSettings } from "@/lib/org/settings";
import { closeRedis } from "@/lib/redis/client";
import { changeStaffRole, inviteStaff } from "@/lib/staff/staff";
import { createTestCohort, createTestEvent, createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { createPatient, findPatientForAdmin, listPatientsForAdmin, setPatientArchived, upcomingAppointments, updatePatient } from "./admin-patients";
import { invitePatientLogin, resetPatientLogin, setPatientLoginDisabled } from "./patient-logins";
import { lookupPatients, searchPatients } from "./queries";

let org: TestOrganization;
let other: TestOrganization;
beforeAll(async () => {
  [org, other] = await Promise.all([createTestOrganization(), createTestOrganization()]);
});
afterAll(async () => {
  await closeRedis();
  await closeDb();
});

const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
const future = (days: number) => new Date(Date.now() + days * 86_400_000);

describe("patient records", () => {
  it("creates, edits, lists with search, sort and paging; staff may only view; other organisations see nothing", async () => {
    const admin = org.admin.actor;
    const id = await createPatient(admin, { name: "Zed Quist", dateOfBirth: "1980-05-06", email: "Zed@Example.test", notes: "allergic to nuts", externalId: "Z-1" });
    expect(await findPatientForAdmin(org.staff.actor, id)).toMatchObject({ name: "Zed Quist", email: "zed@example.test", notes: "allergic to nuts", login: "none", archived: false });
    await expect(createPatient(admin, { name: "", dateOfBirth: "1980-13-01" })).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/name: is required; dateOfBirth: must be a date|dateOfBirth/) });
    await expect(createPatient(admin, { name: "Dup", externalId: "Z-1" })).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/external id "Z-1"/) });
    await expect(createPatient(org.staff.actor, { name: "Staff made" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(updatePatient(org.staff.actor, id, { name: "x" })).rejects.toMatchObject({ code: "forbidden" });

    // Another organisation's admin: "not found", nothing changes.
    await expect(findPatientForAdmin(other.admin.actor, id)).rejects.toMatchObject({ code: "not_found" });
    await expect(updatePatient(other.admin.actor, id, { name: "Hijacked" })).rejects.toMatchObject({ code: "not_found" });
    await expect(setPatientArchived(other.admin.actor, id, true)).rejects.toMatchObject({ code: "not_found" });
    await expect(findPatientForAdmin(admin, "not-a-uuid")).rejects.toMatchObject({ code: "not_found" });

    await updatePatient(admin, id, { name: "Zed Quist-Renamed", color: "#123ABC", timeZone: "Europe/Paris" });
    expect(await findPatientForAdmin(admin, id)).toMatchObject({ name: "Zed Quist-Renamed", color: "#123abc", timeZone: "Europe/Paris", email: null, notes: null });

    for (let i = 0; i < 60; i += 1) await createPatient(admin, { name: `Paging ${String(i).padStart(2, "0")} ${org.tag}`, dateOfBirth: `19${10 + i}-01-01` });
    const page1 = await listPatientsForAdmin(org.staff.actor, { q: `paging`, sort: "name" });
    expect([page1.total, page1.pages, page1.patients.length]).toEqual([60, 2, 50]);
    expect(page1.patients[0]!.name).toBe(`Paging 00 ${org.tag}`);
    const page2 = await listPatientsForAdmin(admin, { q: "PAGING", page: "2" });
    expect(page2.patients.map((p) => p.name)).toEqual(Array.from({ length: 10 }, (_, i) => `Paging ${50 + i} ${org.tag}`));
    const byBirth = await listPatientsForAdmin(admin, { q: "paging", sort: "dateOfBirth", dir: "desc" });
    expect(byBirth.patients[0]!.dateOfBirth).toBe("1969-01-01");
    // Search is a substring, case-insensitive; LIKE wildcards in the query are plain characters.
    expect((await listPatientsForAdmin(admin, { q: "renamed" })).patients.map((p) => p.id)).toEqual([id]);
    expect((await listPatientsForAdmin(admin, { q: "%" })).total).toBe(0);
    expect((await listPatientsForAdmin(other.admin.actor, { q: "paging" })).total).toBe(0);
    await expect(listPatientsForAdmin(org.patients[0]!.user.actor, {})).rejects.toMatchObject({ code: "forbidden" });
  });

  it("a renamed or recoloured patient is new on the next calendar read; archiving removes them from pickers and cohort views", async () => {
    const admin = org.admin.actor;
    const [a, b] = org.patients;
    const cohortId = await createTestCohort(org.id, `Archive ${org.tag}`, [a!.id, b!.id]);
    const start = future(3);
    await createTestEvent(org.id, { title: `A appt ${org.tag}`, start, patientIds: [a!.id] });
    await createTestEvent(org.id, { title: `B appt ${org.tag}`, start, patientIds: [b!.id] });
    const query = { start: future(1), end: future(8), timeZone: org.timeZone, cohortId };
    const titles = async () => (JSON.parse((await listOccurrencesJson(org.staff.actor, query)).toString()) as { title: string }[]).map((o) => o.title).sort();
    // Read twice: the second read comes from the caches (hot window, Redis index).
    expect(await titles()).toEqual([`A appt ${org.tag}`, `B appt ${org.tag}`]);
    expect(await titles()).toEqual([`A appt ${org.tag}`, `B appt ${org.tag}`]);
    expect(await lookupPatients(org.staff.actor, [a!.id])).toEqual([{ id: a!.id, name: a!.name, color: "#1a73e8" }]);

    await updatePatient(admin, a!.id, { name: `Renamed ${org.tag}`, color: "#ff0000" });
    expect(await lookupPatients(org.staff.actor, [a!.id])).toEqual([{ id: a!.id, name: `Renamed ${org.tag}`, color: "#ff0000" }]);

    // The upcoming appointments of a patient, for the admin's page.
    expect((await upcomingAppointments(admin, b!.id)).map((o) => o.title)).toEqual([`B appt ${org.tag}`]);

    const session = await createSession(b!.user.actor);
    await setPatientArchived(admin, b!.id, true);
    expect(await titles()).toEqual([`A appt ${org.tag}`]);
    expect((await searchPatients(org.staff.actor, { q: b!.name })).patients).toEqual([]);
    // A cohort calendar's legend still lists the archived member, flagged (their history shows there).
    const members = await searchPatients(org.staff.actor, { cohortId, archived: "include" });
    expect(members.patients).toContainEqual({ id: b!.id, name: b!.name, color: "#1a73e8", archived: true });
    expect(await lookupPatients(org.staff.actor, [b!.id])).toEqual([{ id: b!.id, name: b!.name, color: "#1a73e8", archived: true }]);
    await expect(searchPatients(org.staff.actor, { q: b!.name, archived: "include" })).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/give a cohort/) });
    await expect(searchPatients(org.staff.actor, { cohortId, archived: "yes" })).rejects.toMatchObject({ code: "bad_request" });
    // History stays: the patient's own record and an explicit look at them still show it.
    const explicit = await listOccurrencesJson(org.staff.actor, { ...query, cohortId: undefined, patientIds: [b!.id] });
    expect(explicit.toString()).toContain(`B appt ${org.tag}`);
    // The archived patient's login is disabled and their session ended.
    expect(await readSession(session)).toBeNull();
    expect(await verifyCredentials(b!.user.email, b!.user.password)).toBeNull();
    expect((await listPatientsForAdmin(admin, { q: b!.name, archived: "archived" })).patients.map((p) => p.id)).toEqual([b!.id]);

    await setPatientArchived(admin, b!.id, false);
    expect(await titles()).toEqual([`A appt ${org.tag}`, `B appt ${org.tag}`]);
  });
});

describe("patient logins", () => {
  it("invite → the patient sets a password → signs in; the link works once; reset and disable end sessions", async () => {
    const admin = org.admin.actor;
    const patientId = await createPatient(admin, { name: `Invitee ${org.tag}`, email: `invitee-${org.tag}@example.test` });
    await expect(invitePatientLogin(other.admin.actor, patientId, {})).rejects.toMatchObject({ code: "not_found" });
    await expect(invitePatientLogin(org.staff.actor, patientId, {})).rejects.toMatchObject({ code: "forbidden" });

    const invite = await invitePatientLogin(admin, patientId, {});
    expect(invite.url).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(invite.emailed).toBe(false); // no SMTP_URL under test: the link is logged and shown to the admin
    expect((await findPatientForAdmin(admin, patientId)).login).toBe("invited");
    // Only the token's hash is stored.
    const stored = await db().$sql<{ token_hash: string }[]>`SELECT token_hash FROM user_invites i JOIN users u ON u.id = i.user_id WHERE u.patient_id = ${patientId}`;
    expect(stored.map((r) => r.token_hash)).not.toContain(tokenOf(invite.url));
    await expect(invitePatientLogin(admin, patientId, {})).rejects.toMatchObject({ code: "bad_request" });

    expect(await describeInvite(tokenOf(invite.url))).toMatchObject({ email: `invitee-${org.tag}@example.test` });
    await expect(acceptInvite({ token: tokenOf(invite.url), password: "short", confirm: "short" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(acceptInvite({ token: tokenOf(invite.url), password: "a-good-password-1", confirm: "another-one-12" })).rejects.toMatchObject({ code: "bad_request" });
    const email = await acceptInvite({ token: tokenOf(invite.url), password: "a-good-password-1", confirm: "a-good-password-1" });
    const actor = await verifyCredentials(email, "a-good-password-1");
    expect(actor).toMatchObject({ role: "patient", patientId, orgId: org.id });
    await expect(acceptInvite({ token: tokenOf(invite.url), password: "a-good-password-2", confirm: "a-good-password-2" })).rejects.toMatchObject({ code: "not_found" });
    expect(await describeInvite(tokenOf(invite.url))).toBeNull();

    // Reset: the password stops working, sessions end, a new link sets the next one.
    const session = await createSession(actor!);
    const reset = await resetPatientLogin(admin, patientId);
    expect(await readSession(session)).toBeNull();
    expect(await verifyCredentials(email, "a-good-password-1")).toBeNull();
    await acceptInvite({ token: tokenOf(reset.url), password: "a-good-password-3", confirm: "a-good-password-3" });
    expect(await verifyCredentials(email, "a-good-password-3")).not.toBeNull();

    // Disable: the open session stops working at once, sign-in is refused; enable lets them in again.
    const live = await createSession(actor!);
    await setPatientLoginDisabled(admin, patientId, true);
    expect(await readSession(live)).toBeNull();
    expect(await verifyCredentials(email, "a-good-password-3")).toBeNull();
    await setPatientLoginDisabled(admin, patientId, false);
    expect(await verifyCredentials(email, "a-good-password-3")).not.toBeNull();
  });

  it("an expired link does not work", async () => {
    const patientId = await createPatient(org.admin.actor, { name: `Late ${org.tag}`, email: `late-${org.tag}@example.test` });
    const invite = await invitePatientLogin(org.admin.actor, patientId, {});
    await db().$sql`UPDATE user_invites SET expires_at = now() - interval '1 second' WHERE org_id = ${org.id}`;
    expect(await describeInvite(tokenOf(invite.url))).toBeNull();
    await expect(acceptInvite({ token: tokenOf(invite.url), password: "a-good-password-1", confirm: "a-good-password-1" })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("staff and settings", () => {
  it("invites staff, changes roles (ending sessions), refuses others' users", async () => {
    const admin = org.admin.actor;
    const invite = await inviteStaff(admin, { name: "New Nurse", email: `nurse-${org.tag}@example.test`, role: "staff" });
    await expect(inviteStaff(admin, { name: "Again", email: `NURSE-${org.tag}@example.test`, role: "staff" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(inviteStaff(admin, { name: "Bad", email: `x-${org.tag}@example.test`, role: "patient" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(inviteStaff(org.staff.actor, { name: "S", email: `s-${org.tag}@example.test`, role: "admin" })).rejects.toMatchObject({ code: "forbidden" });
    await acceptInvite({ token: tokenOf(invite.url), password: "nurse-password-1", confirm: "nurse-password-1" });
    const nurse = (await verifyCredentials(`nurse-${org.tag}@example.test`, "nurse-password-1"))!;
    expect(nurse.role).toBe("staff");

    const session = await createSession(nurse);
    await changeStaffRole(admin, { userId: invite.userId, role: "admin" });
    expect(await readSession(session)).toBeNull();
    expect((await verifyCredentials(`nurse-${org.tag}@example.test`, "nurse-password-1"))!.role).toBe("admin");
    await expect(changeStaffRole(admin, { userId: admin.userId, role: "staff" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(changeStaffRole(admin, { userId: org.patients[0]!.user.id, role: "admin" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(changeStaffRole(other.admin.actor, { userId: invite.userId, role: "staff" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("saves settings; a new time zone reaches live sessions and the index answers in it", async () => {
    const fresh = await createTestOrganization({ timeZone: "America/New_York" });
    const admin = fresh.admin.actor;
    const staffSession = await createSession(fresh.staff.actor);
    const start = future(2);
    await createTestEvent(fresh.id, { title: "Zone check", start, patientIds: [fresh.patients[0]!.id] });
    const read = async (timeZone: string) =>
      JSON.parse((await listOccurrencesJson({ ...fresh.staff.actor, orgTimeZone: timeZone, timeZone }, { start: future(1), end: future(4), timeZone })).toString()) as { start: string }[];
    expect((await read("America/New_York"))[0]!.start).toMatch(/-0[45]:00$/);

    const settings = { name: `Renamed clinic ${fresh.tag}`, timeZone: "Asia/Tokyo", weekStart: 1, workdayStart: "07:30", workdayEnd: "19:00", workDays: [1, 2, 3, 4, 5, 6], palette: ["#112233", "#445566"] };
    await expect(updateOrgSettings(admin, { ...settings, workdayEnd: "06:00" })).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/workdayEnd/) });
    await expect(updateOrgSettings(admin, { ...settings, timeZone: "Nowhere/City" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(updateOrgSettings(fresh.staff.actor, settings)).rejects.toMatchObject({ code: "forbidden" });
    await updateOrgSettings(admin, settings);
    expect(await getOrgSettings(fresh.id)).toEqual({ ...settings });
    expect(await readSession(staffSession)).toMatchObject({ orgTimeZone: "Asia/Tokyo", timeZone: "Asia/Tokyo" });
    // Twice: from Postgres (the index was dropped), then from the rebuilt index, both in the new zone.
    expect((await read("Asia/Tokyo"))[0]!.start).toMatch(/\+09:00$/);
    expect((await read("Asia/Tokyo"))[0]!.start).toMatch(/\+09:00$/);
    // New patients take the palette's colours.
    const id = await createPatient(admin, { name: "Palette" });
    expect(["#112233", "#445566"]).toContain((await findPatientForAdmin(admin, id)).color);
  });
});
