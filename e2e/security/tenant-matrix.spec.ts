import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { createSession, sessionHandle } from "@/lib/auth/session-store";
import { issueCalendarToken } from "@/lib/ics/tokens";
import { brokerRedis } from "@/lib/reminders/broker";
import { setAgendaSubscription } from "@/lib/reminders/settings";
import { cacheRedis } from "@/lib/redis/client";
import { keys } from "@/lib/redis/keys";
import { createTestCohort, createTestEvent, createTestOrganization, type TestOrganization, type TestUser } from "@/lib/testing/test-organization";
import { expect, test } from "../fixtures";
import { attemptLogin } from "../support/auth";
import { tenantState } from "../support/tenant-state";

/**
 * Two organisations × {admin, staff, patient A, patient B}: every route handler and every server action,
 * called by each of them with the other party's ids (the other organisation's; for patients also the other
 * patient's), answers 404 (or 403 for a role that may not call it at all) and changes nothing in Postgres
 * or Redis. The route and action lists are checked against the files in app/: a new handler or action
 * fails this test until it is added here.
 */

type Role = "admin" | "staff" | "patientA" | "patientB";
interface Party {
  org: TestOrganization;
  users: Record<Role, TestUser>;
  cohortId: string;
  /** An event of patient A, one of patient B. */
  eventA: string;
  eventB: string;
  /** A live session of each user, named by the handle admins see. */
  handles: Record<Role, string>;
  /** Reset ICS tokens of patient A and B. */
  oldIcsToken: string;
  oldIcsTokenB: string;
  /** A dead letter parked in the organisation's stream (an admin may requeue it). */
  deadLetter: string;
}

/** Ids an attacker uses: the other organisation's, or (patients) the other patient's of their own. */
interface Target {
  patientId: string;
  cohortId: string;
  eventId: string;
  userId: string;
  handle: string;
  /** A private ICS token of the target patient that has since been reset. */
  oldIcsToken: string;
  deadLetter: string;
}

interface Call {
  /** "METHOD /api/route/[param]" as the file system names it. */
  route: string;
  request: (api: APIRequestContext, t: Target) => Promise<{ status: () => number; text: () => Promise<string> }>;
  /** The status each role must get (404: as if it did not exist; 403: the role may not call it). */
  expected: (role: Role) => 403 | 404 | 200;
  /** For 200: the answer must not carry any of the target's ids (a lookup that leaves foreign ids out). */
}

const RANGE = "start=2030-03-04T00:00:00-05:00&end=2030-03-11T00:00:00-05:00";
const adminOnly = (role: Role) => (role === "admin" ? 404 : 403);
const staffWrite = (role: Role) => (role === "admin" || role === "staff" ? 404 : 403);
const anyone = () => 404 as const;

const CALLS: Call[] = [
  { route: "GET /api/events", expected: anyone, request: (api, t) => api.get(`/api/events?${RANGE}&patients=${t.patientId}`) },
  { route: "GET /api/events", expected: anyone, request: (api, t) => api.get(`/api/events?${RANGE}&cohort=${t.cohortId}`) },
  {
    route: "POST /api/events/query",
    expected: anyone,
    request: (api, t) => api.post("/api/events/query", { data: { start: "2030-03-04T00:00:00Z", end: "2030-03-11T00:00:00Z", patientIds: [t.patientId] } }),
  },
  {
    route: "POST /api/events",
    expected: staffWrite,
    request: (api, t) =>
      api.post("/api/events", {
        data: { title: "Planted", start: "2030-03-05T10:00:00-05:00", end: "2030-03-05T10:30:00-05:00", timeZone: "America/New_York", patientIds: [t.patientId] },
      }),
  },
  { route: "GET /api/patients", expected: staffWrite, request: (api, t) => api.get(`/api/patients?cohort=${t.cohortId}`) },
  // Foreign ids are left out of a lookup rather than reported: 200, with none of them in the answer.
  { route: "POST /api/patients/lookup", expected: () => 200, request: (api, t) => api.post("/api/patients/lookup", { data: { ids: [t.patientId] } }) },
  { route: "GET /api/calendars/[file]", expected: anyone, request: (api, t) => api.get(`/api/calendars/${t.oldIcsToken}.ics`) },
  { route: "GET /api/events/[eventId]", expected: anyone, request: (api, t) => api.get(`/api/events/${t.eventId}`) },
  { route: "PATCH /api/events/[eventId]", expected: staffWrite, request: (api, t) => api.patch(`/api/events/${t.eventId}`, { data: { title: "Hijacked" } }) },
  { route: "DELETE /api/events/[eventId]", expected: staffWrite, request: (api, t) => api.delete(`/api/events/${t.eventId}`) },
  // Clinical scheduling (issue 11).
  {
    route: "POST /api/events/[eventId]/status",
    expected: staffWrite,
    request: (api, t) => api.post(`/api/events/${t.eventId}/status`, { data: { status: "cancelled", reason: "Hijacked" } }),
  },
  {
    route: "GET /api/events/[eventId]/status",
    expected: staffWrite,
    request: (api, t) => api.get(`/api/events/${t.eventId}/status?occurrenceStart=2030-03-05T10:00:00-05:00`),
  },
  { route: "GET /api/schedule", expected: staffWrite, request: (api, t) => api.get(`/api/schedule?${RANGE}&resources=${t.patientId}`) },
  { route: "GET /api/reports/no-shows", expected: staffWrite, request: (api, t) => api.get(`/api/reports/no-shows?start=2030-03-01&end=2030-03-31&cohort=${t.cohortId}`) },
  { route: "GET /api/reports/no-shows", expected: staffWrite, request: (api, t) => api.get(`/api/reports/no-shows?start=2030-03-01&end=2030-03-31&patient=${t.patientId}`) },
  { route: "GET /api/admin/users/[userId]", expected: adminOnly, request: (api, t) => api.get(`/api/admin/users/${t.userId}`) },
  { route: "PATCH /api/admin/users/[userId]", expected: adminOnly, request: (api, t) => api.patch(`/api/admin/users/${t.userId}`, { data: { disabled: true } }) },
  { route: "GET /api/admin/users/[userId]/sessions", expected: adminOnly, request: (api, t) => api.get(`/api/admin/users/${t.userId}/sessions`) },
  { route: "DELETE /api/admin/users/[userId]/sessions", expected: adminOnly, request: (api, t) => api.delete(`/api/admin/users/${t.userId}/sessions`) },
  {
    route: "POST /api/admin/patients/[patientId]/login",
    expected: adminOnly,
    request: (api, t) => api.post(`/api/admin/patients/${t.patientId}/login`, { data: { email: `planted-${t.patientId}@example.test` } }),
  },
  { route: "POST /api/admin/patients/[patientId]/login/reset", expected: adminOnly, request: (api, t) => api.post(`/api/admin/patients/${t.patientId}/login/reset`) },
  // Ids are the file's own (external ids, scoped to the caller's organisation: lib/patients/import tests);
  // admins get a preview (it writes nothing), others 403.
  {
    route: "POST /api/admin/patients/import",
    expected: (role) => (role === "admin" ? 200 : 403),
    request: (api) =>
      api.post("/api/admin/patients/import", {
        multipart: { file: { name: "planted.csv", mimeType: "text/csv", buffer: Buffer.from("external_id,name\nmatrix-probe,Planted\n") } },
      }),
  },
  {
    route: "DELETE /api/admin/users/[userId]/sessions/[handle]",
    expected: adminOnly,
    request: (api, t) => api.delete(`/api/admin/users/${t.userId}/sessions/${t.handle}`),
  },
];

/**
 * Handlers with no ids to abuse: sign-in (throttled and tested elsewhere), health, metrics, the API's 404, and the
 * live stream (the caller's own organisation's changes, filtered per patient in lib/live).
 */
const NO_IDS = new Set([
  "GET /api/live",
  // Invites a staff member into the caller's own organisation (nothing of another's can be named): e2e/admin.
  "POST /api/admin/staff",
  "GET /api/auth/[...nextauth]",
  "POST /api/auth/[...nextauth]",
  "GET /api/health",
  "GET /api/health/live",
  "GET /api/health/ready",
  // Bearer METRICS_TOKEN, no session and no ids: process-wide counters (e2e/ops.spec.ts).
  "GET /api/metrics",
  // The caller's own organisation's clinicians, rooms and types; a text search within it (staff only).
  "GET /api/resources",
  "GET /api/appointments/search",
  // The benchmark's floor: bytes from process memory, 404 unless BENCH_MODE=1 (npm run bench); no ids.
  "GET /api/bench/floor",
  "PUT /api/bench/floor",
  ...["GET", "POST", "PATCH", "PUT", "DELETE"].map((m) => `${m} /api/[...path]`),
]);

/** Server actions called with JSON arguments (by id from the build's manifest), and what a refusal looks like. */
interface ActionCall {
  action: string;
  args: (t: Target, own: Party) => unknown[];
  /** Staff-only actions refuse patients; all refuse others' ids as "not found". */
  staffOnly: boolean;
}
const EVENT_INPUT = { title: "Planted", start: "2030-03-05T10:00:00-05:00", end: "2030-03-05T10:30:00-05:00", timeZone: "America/New_York" };
const ACTION_CALLS: ActionCall[] = [
  { action: "createEventAction", staffOnly: true, args: (t) => [{ ...EVENT_INPUT, patientIds: [t.patientId] }] },
  { action: "updateEventAction", staffOnly: true, args: (t) => [t.eventId, { title: "Hijacked" }] },
  { action: "deleteEventAction", staffOnly: true, args: (t) => [t.eventId, {}] },
  { action: "renameCohortAction", staffOnly: true, args: (t) => [t.cohortId, "Hijacked"] },
  { action: "deleteCohortAction", staffOnly: true, args: (t) => [t.cohortId] },
  { action: "addMembersAction", staffOnly: true, args: (t) => [t.cohortId, [t.patientId]] },
  { action: "addMembersAction", staffOnly: true, args: (t, own) => [own.cohortId, [t.patientId]] },
  { action: "removeMembersAction", staffOnly: true, args: (t) => [t.cohortId, [t.patientId]] },
  { action: "setStatusAction", staffOnly: true, args: (t) => [t.eventId, { status: "cancelled", reason: "Hijacked" }] },
  // Clinic setup (administrators): ids that are not the caller's organisation's clinicians, rooms, types or closures.
  { action: "createResourceAction", staffOnly: true, args: (t) => [{ kind: "clinician", name: "Planted", userId: t.userId }] },
  { action: "updateResourceAction", staffOnly: true, args: (t) => [{ resourceId: t.patientId, archived: true }] },
  { action: "updateTypeAction", staffOnly: true, args: (t) => [{ typeId: t.patientId, archived: true }] },
  { action: "createClosureAction", staffOnly: true, args: (t) => [{ title: "Planted", start: "2030-03-05", end: "2030-03-05", allDay: true, resourceId: t.patientId }] },
  { action: "deleteClosureAction", staffOnly: true, args: (t) => [t.eventId] },
  { action: "setWorkingHoursAction", staffOnly: true, args: (t) => [{ resourceId: t.patientId, hours: [] }] },
];
/** Form actions (useActionState), replayed from the admin page's own requests with ids swapped. */
const FORM_ACTIONS = ["setUserDisabledAction", "revokeSessionsAction"];
/** Actions without ids: they act on the caller's own account or organisation only. */
const ACTIONS_WITHOUT_IDS = new Set([
  // The caller's own organisation: a new patient, its settings; a one-time link's token is its only input.
  "createPatientAction",
  "saveSettingsAction",
  "acceptInviteAction",
  "changePasswordAction",
  "createCohortAction",
  "resetFeedLink",
  "saveDefaultsAction",
  "createTypeAction",
]);
/**
 * Admin form actions posted as a browser without JavaScript posts them (multipart with `$ACTION_ID_…`),
 * with the target's ids in the fields. A refusal redirects back with an error; success redirects without.
 */
interface FormPost {
  action: string;
  fields: (t: Target, own: Party) => Record<string, string>;
}
const FORM_POSTS: FormPost[] = [
  { action: "subscribeAgendaAction", fields: (t, own) => ({ userId: t.userId, cohortId: own.cohortId, sendAt: "07:00" }) },
  { action: "subscribeAgendaAction", fields: (t, own) => ({ userId: own.users.staff.id, cohortId: t.cohortId, sendAt: "07:00" }) },
  { action: "unsubscribeAgendaAction", fields: (t) => ({ userId: t.userId }) },
  { action: "requeueAction", fields: (t) => ({ entryId: t.deadLetter }) },
  { action: "updatePatientAction", fields: (t) => ({ patientId: t.patientId, name: "Hijacked" }) },
  { action: "archivePatientAction", fields: (t) => ({ patientId: t.patientId, archived: "1" }) },
  { action: "setPatientLoginAction", fields: (t) => ({ patientId: t.patientId, disabled: "1" }) },
  { action: "changeRoleAction", fields: (t) => ({ userId: t.userId, role: "admin" }) },
];

async function postForm(api: APIRequestContext, origin: string, action: { id: string; page: string }, fields: Record<string, string>) {
  const response = await api.post(action.page, {
    headers: { Origin: origin },
    multipart: { [`$ACTION_ID_${action.id}`]: "", ...fields },
    maxRedirects: 0,
  });
  return { status: response.status(), location: response.headers().location ?? "", text: await response.text() };
}

interface ManifestEntry {
  filename: string;
  exportedName: string;
  workers: Record<string, unknown>;
}

/** The build's action ids: `{name: {id, page}}`, a page being where the action can be posted. */
function actionIds(): Map<string, { id: string; page: string }> {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, ManifestEntry> };
  return new Map(
    Object.entries(manifest.node).map(([id, entry]) => {
      const worker = Object.keys(entry.workers)[0]!.replace(/^app/, "").replace(/\/page$/, "") || "/";
      return [entry.exportedName, { id, page: worker.replace(/\[[^\]]+\]/g, "00000000-0000-4000-8000-000000000000") }];
    }),
  );
}

/** Calls a server action as the browser does (React's reply encoding of plain JSON arguments). */
async function callAction(api: APIRequestContext, origin: string, action: { id: string; page: string }, args: unknown[]) {
  const response = await api.post(action.page, {
    headers: { "Next-Action": action.id, Accept: "text/x-component", "Content-Type": "text/plain;charset=UTF-8", Origin: origin },
    data: JSON.stringify(args),
  });
  const text = await response.text();
  const line = text.split("\n").find((l) => l.startsWith("1:"));
  return { status: response.status(), text, result: line ? (JSON.parse(line.slice(2)) as { ok?: boolean; code?: string; message?: string }) : null };
}

function filesNamed(dir: string, name: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesNamed(full, name) : entry.name === name ? [full] : [];
  });
}

test("the matrix covers every route handler and server action in app/", () => {
  const routes = filesNamed("app/api", "route.ts").flatMap((file) => {
    const source = fs.readFileSync(file, "utf8");
    const route = `/${path.relative("app", path.dirname(file)).split(path.sep).join("/")}`;
    const methods = new Set<string>();
    for (const m of source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]!);
    for (const m of source.matchAll(/export \{([^}]*)\}/g)) for (const n of m[1]!.matchAll(/as (GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(n[1]!);
    return [...methods].map((method) => `${method} ${route}`);
  });
  const covered = new Set([...CALLS.map((c) => c.route), ...NO_IDS]);
  expect(routes.filter((r) => !covered.has(r)), "route handlers missing from the tenant matrix").toEqual([]);

  const actions = filesNamed("app", "actions.ts").flatMap((file) =>
    [...fs.readFileSync(file, "utf8").matchAll(/export async function (\w+)/g)].map((m) => m[1]!),
  );
  const covered2 = new Set([...ACTION_CALLS.map((c) => c.action), ...FORM_ACTIONS, ...FORM_POSTS.map((p) => p.action), ...ACTIONS_WITHOUT_IDS]);
  expect(actions.filter((a) => !covered2.has(a)), "server actions missing from the tenant matrix").toEqual([]);
});

async function party(org: TestOrganization): Promise<Party> {
  const [a, b] = org.patients;
  const start = new Date("2030-03-05T15:00:00Z");
  const users = { admin: org.admin, staff: org.staff, patientA: a!.user, patientB: b!.user };
  const handles = {} as Record<Role, string>;
  for (const role of Object.keys(users) as Role[]) handles[role] = sessionHandle(await createSession(users[role].actor));
  const oldIcsToken = await issueCalendarToken(users.patientA.actor);
  await issueCalendarToken(users.patientA.actor);
  const oldIcsTokenB = await issueCalendarToken(users.patientB.actor);
  // The staff member gets the daily agenda (so an unsubscription from outside would show), and one reminder is parked.
  await setAgendaSubscription(users.admin.actor, { userId: users.staff.id, cohortId: null, sendAt: "07:00" });
  const deadLetter = (await brokerRedis().xadd(keys.reminderDeadLetters(org.id), "*", "reminder", crypto.randomUUID(), "error", "planted"))!;
  await issueCalendarToken(users.patientB.actor);
  return {
    org,
    users,
    oldIcsToken,
    oldIcsTokenB,
    deadLetter,
    cohortId: await createTestCohort(org.id, `Matrix ${org.tag}`, [a!.id, b!.id]),
    eventA: await createTestEvent(org.id, { title: `A ${org.tag}`, start, patientIds: [a!.id] }),
    eventB: await createTestEvent(org.id, { title: `B ${org.tag}`, start: new Date(start.getTime() + 3_600_000), patientIds: [b!.id] }),
    handles,
  };
}

function foreignTarget(other: Party): Target {
  return {
    patientId: other.org.patients[0]!.id,
    cohortId: other.cohortId,
    eventId: other.eventA,
    userId: other.users.staff.id,
    handle: other.handles.staff,
    oldIcsToken: other.oldIcsToken,
    deadLetter: other.deadLetter,
  };
}

/** What a patient must not reach in their own organisation: the other patient's data and account. */
function siblingTarget(own: Party, role: "patientA" | "patientB"): Target {
  const other = role === "patientA" ? "patientB" : "patientA";
  return {
    patientId: own.org.patients[role === "patientA" ? 1 : 0]!.id,
    cohortId: own.cohortId,
    eventId: role === "patientA" ? own.eventB : own.eventA,
    userId: own.users[other].id,
    handle: own.handles[other],
    oldIcsToken: role === "patientA" ? own.oldIcsTokenB : own.oldIcsToken,
    deadLetter: own.deadLetter,
  };
}

test("every handler and action, called with another party's ids, answers 404/403 and changes nothing", async ({ playwright, baseURL, org, page, loginAs }) => {
  test.slow();
  const parties = [await party(org), await party(await createTestOrganization())];
  const orgIds = parties.map((p) => p.org.id);
  const userIds = parties.flatMap((p) => Object.values(p.users).map((u) => u.id));
  const origin = new URL(baseURL!).origin;
  const ids = actionIds();

  // The requests the admin pages' actions send, captured once (and not let through), to replay as anyone.
  const own = parties[0]!;
  await loginAs(own.users.admin);
  await page.goto(`/admin/users/${own.users.patientA.id}`);
  const captured: { name: string; url: string; headers: Record<string, string>; body: Buffer }[] = [];
  await page.route(`**/admin/users/${own.users.patientA.id}`, async (route) => {
    const request = route.request();
    if (request.method() !== "POST") return route.continue();
    captured.push({ name: "", url: request.url(), headers: await request.allHeaders(), body: request.postDataBuffer()! });
    await route.abort();
  });
  await page.getByRole("button", { name: "Disable account" }).click();
  await expect.poll(() => captured.length).toBe(1);
  captured[0]!.name = "setUserDisabledAction";
  await page.goto(`/admin/users/${own.users.patientA.id}`);
  await page.getByRole("button", { name: "Revoke", exact: true }).first().click();
  await expect.poll(() => captured.length).toBe(2);
  captured[1]!.name = "revokeSessionsAction";
  await page.unroute(`**/admin/users/${own.users.patientA.id}`);
  const victimHandle = own.handles.patientA;

  // Everyone signs in first: their own new sessions are not what the attacks could change.
  const contexts = new Map<string, APIRequestContext>();
  for (const [index, attacker] of parties.entries()) {
    for (const role of Object.keys(attacker.users) as Role[]) {
      const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin } });
      expect((await attemptLogin(api, attacker.users[role].email, attacker.users[role].password)).status(), `login ${role}`).toBe(200);
      contexts.set(`${index}/${role}`, api);
    }
  }

  // The form posts are real: the admin's own, with the organisation's own ids, goes through.
  const ownPost = await postForm(contexts.get("0/admin")!, origin, ids.get("subscribeAgendaAction")!, {
    userId: own.users.staff.id,
    cohortId: own.cohortId,
    sendAt: "08:00",
  });
  expect([ownPost.status, ownPost.location.includes("error=")], ownPost.location).toEqual([303, false]);

  const before = await tenantState(orgIds, userIds);
  const failures: string[] = [];
  for (const [index, attacker] of parties.entries()) {
    const other = parties[1 - index]!;
    for (const role of Object.keys(attacker.users) as Role[]) {
      const api = contexts.get(`${index}/${role}`)!;
      const targets: [string, Target][] = [["other organisation", foreignTarget(other)]];
      if (role === "patientA" || role === "patientB") targets.push(["other patient", siblingTarget(attacker, role)]);

      for (const [whose, target] of targets) {
        for (const call of CALLS) {
          const response = await call.request(api, target);
          const text = await response.text();
          const body = (() => {
            try {
              return JSON.parse(text) as { error?: { code?: string } };
            } catch {
              return null;
            }
          })();
          const want = call.expected(role);
          const status = response.status();
          let ok: boolean;
          if (want === 200) {
            ok = status === 200 && !text.includes(target.patientId);
          } else {
            // A patient's own organisation: for the other patient's ids a role check may answer first.
            const statusOk = status === want || (whose === "other patient" && [403, 404].includes(status));
            ok = statusOk && body?.error?.code === { 403: "forbidden", 404: "not_found" }[status];
          }
          if (!ok) failures.push(`${role} of org ${index + 1} → ${call.route} with the ${whose}'s ids: ${status} ${text.slice(0, 200)}`);
        }
        for (const call of ACTION_CALLS) {
          const { status, text, result } = await callAction(api, origin, ids.get(call.action)!, call.args(target, attacker));
          const wantCode = call.staffOnly && (role === "patientA" || role === "patientB") ? "forbidden" : "not_found";
          const refused =
            status === 200 &&
            result?.ok === false &&
            (result.code ? result.code === wantCode || whose === "other patient" : /not found|not allowed|only staff/i.test(result.message ?? ""));
          if (!refused) failures.push(`${role} of org ${index + 1} → ${call.action}(${JSON.stringify(call.args(target, attacker))}): ${status} ${text.slice(0, 200)}`);
        }
        for (const post of FORM_POSTS) {
          const fields = post.fields(target, attacker);
          const { status, location, text } = await postForm(api, origin, ids.get(post.action)!, fields);
          const refused = status >= 400 || (status === 303 && location.includes("error="));
          if (!refused) failures.push(`${role} of org ${index + 1} → ${post.action}(${JSON.stringify(fields)}): ${status} ${location} ${text.slice(0, 200)}`);
        }
        // The server actions, replayed with this user's cookie and the target's ids.
        for (const action of captured) {
          const body = Buffer.from(
            action.body.toString("latin1").replaceAll(own.users.patientA.id, target.userId).replaceAll(victimHandle, target.handle),
            "latin1",
          );
          const headers: Record<string, string> = { ...action.headers, origin };
          delete headers.cookie;
          delete headers["content-length"];
          const response = await api.fetch(action.url, { method: "POST", headers, data: body });
          const text = await response.text();
          const refused = /"code":"(not_found|forbidden)"/.test(text) || response.status() >= 400;
          if (!refused || text.includes('"status":"ok"')) failures.push(`${role} of org ${index + 1} → ${action.name} with the ${whose}'s ids: ${response.status()} ${text.slice(0, 200)}`);
        }
      }
    }
  }
  await Promise.all([...contexts.values()].map((api) => api.dispose()));
  expect(failures).toEqual([]);
  const after = await tenantState(orgIds, userIds);
  expect(after).toEqual(before);
});

test("a patient's feed leaves out a foreign member planted in their Redis set", async ({ page, org, loginAs }) => {
  const other = await createTestOrganization();
  const [mine, sibling] = org.patients;
  const start = new Date("2030-04-02T14:00:00Z");
  await createTestEvent(org.id, { title: `Mine ${org.tag}`, start, patientIds: [mine!.id] });
  await createTestEvent(org.id, { title: `Sibling ${org.tag}`, start, patientIds: [sibling!.id] });
  await createTestEvent(other.id, { title: `Foreign ${org.tag}`, start, patientIds: [other.patients[0]!.id] });
  const window = (day: number) => `/api/events?start=2030-04-0${day}T00:00:00&end=2030-04-0${day + 1}T00:00:00&timeZone=America/New_York`;
  const titles = async (url = window(2)) => ((await (await page.request.get(url)).json()) as { title: string }[]).map((e) => e.title).sort();

  // Each patient reads once: their sets in the index are built from Postgres.
  let ownOccurrence: Record<string, unknown> | undefined;
  for (const [user, title] of [[mine!.user, `Mine ${org.tag}`], [sibling!.user, `Sibling ${org.tag}`], [other.patients[0]!.user, `Foreign ${org.tag}`]] as const) {
    await loginAs(user);
    expect((await (await page.request.get(window(1))).json()) as unknown[]).toEqual([]);
    expect(await titles()).toEqual([title]);
    if (user === mine!.user) [ownOccurrence] = (await (await page.request.get(window(2))).json()) as Record<string, unknown>[];
  }

  // Plant the sibling's and the other organisation's members (as a faulty write-through might) in my set,
  // and a canary: a member naming me that Postgres does not know, which shows the index really answers.
  const redis = cacheRedis();
  const mySet = keys.patientEvents(org.id, mine!.id);
  const members = async (key: string) => (await redis.zrange(key, "0", "-1")).filter((m) => !m.startsWith("~"));
  const planted = [...(await members(keys.patientEvents(org.id, sibling!.id))), ...(await members(keys.patientEvents(other.id, other.patients[0]!.id)))];
  expect(planted).toHaveLength(2);
  // A full member ("<end ms>|<occurrence JSON>", lib/events/index/members.ts) that names me.
  const canaryOccurrence: Record<string, unknown> = { ...(ownOccurrence as Record<string, unknown>), id: `canary-${org.tag}`, title: `Canary ${org.tag}` };
  const canary = `${String(Date.parse(String(canaryOccurrence.end))).padStart(13, "0")}|${JSON.stringify(canaryOccurrence)}`;
  for (const member of [...planted, canary]) await redis.zadd(mySet, String(start.getTime()), member);

  // A window not read before (this process keeps recent answers in memory), in the organisation's zone.
  await loginAs(mine!.user);
  const unread = "/api/events?start=2030-04-02T00:00:00&end=2030-04-02T23:00:00&timeZone=America/New_York";
  expect(await titles(unread)).toEqual([`Canary ${org.tag}`, `Mine ${org.tag}`]);
});
