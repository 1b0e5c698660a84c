import { removeCohortMembers } from "@/lib/cohorts/cohorts";
import { db } from "@/lib/db/client";
import type { FeedOccurrence, LiveUpdate } from "@/lib/events/types";
import { createTestCohort, createTestOrganization } from "@/lib/testing/test-organization";
import { startApp } from "./app";
import { dayFromNow, single } from "./calendar";
import { Client } from "./http";

/** An open `GET /api/live` stream: the `change` events it has received so far. */
async function openLive(baseUrl: string, cookie: string, origin: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/live`, { headers: { Cookie: cookie, Origin: origin }, signal: controller.signal });
  if (response.status !== 200 || !response.body) throw new Error(`GET /api/live answered ${response.status}`);
  const changes: { update: LiveUpdate; at: number }[] = [];
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let connected: () => void = () => {};
  const ready = new Promise<void>((resolve) => (connected = resolve));
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes(": connected")) connected();
          const data = /^event: change\ndata: (.*)$/m.exec(block);
          if (data) changes.push({ update: JSON.parse(data[1]!) as LiveUpdate, at: Date.now() });
        }
      }
    } catch {
      // aborted
    }
  })();
  await ready;
  return { changes, close: () => controller.abort() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two instances of the app against the same Redis (or Redis Cluster) and Postgres, behind one origin: a
 * session made on one works on the other, a change made on one reaches the live calendars (SSE) and the
 * hot windows of the other, and a sign-out on one ends the session on both, also for a read the other
 * would answer from memory. With `cohortChange`, a change of a cohort's members made elsewhere (this
 * process, through lib/cohorts, publishing on the live channel as an instance does: so only where this
 * process reaches the apps' cache Redis) reaches the other's remembered members.
 */
export async function runMultiInstance(options: { appPorts: [number, number]; env: Record<string, string | undefined>; label: string; cohortChange?: boolean }) {
  const org = await createTestOrganization({ patients: 2 });
  const origin = `http://127.0.0.1:${options.appPorts[0]}`;
  const env = { API_RATE_LIMIT_PER_MINUTE: "1000000", ...options.env };
  const a = await startApp(options.appPorts[0], env, origin);
  const b = await startApp(options.appPorts[1], env, origin);
  try {
    const onA = new Client(a.url, origin);
    const login = await onA.login(org.staff.email, org.staff.password);
    if (!onA.signedIn) throw new Error(`sign-in on A failed (${login.status}):\n${a.output()}`);
    const onB = onA.at(b.url);
    const window = `start=${dayFromNow(7).toISOString()}&end=${dayFromNow(42).toISOString()}&timeZone=${encodeURIComponent(org.timeZone)}`;
    const sessionOnB = (await onB.request("GET", `/api/events?${window}`)).status;
    // B now holds the window in its hot tier; the change below must drop it there.
    await onB.request("GET", `/api/events?${window}`);

    const live = await openLive(b.url, onB.cookieHeader, origin);
    const written = Date.now();
    const created = await onA.request<{ id: string }>("POST", "/api/events", single(org, "Made on A", 2, dayFromNow(8)));
    let waited = 0;
    while (!live.changes.some((c) => c.update.eventId === created.body.id) && waited < 10_000) {
      await sleep(20);
      waited += 20;
    }
    const change = live.changes.find((c) => c.update.eventId === created.body.id);
    live.close();
    const feedOnB = await onB.request<FeedOccurrence[]>("GET", `/api/events?${window}`);
    const cohortChangeOnB = options.cohortChange ? await cohortChangeReaches(onB, org, window, created.body.id) : null;

    // A holds the window in memory: its next read is checked and audited in one round trip (the session
    // check's script), which must still refuse a session signed out elsewhere.
    await onA.request("GET", `/api/events?${window}`);
    await onA.request("GET", `/api/events?${window}`);
    const signOut = await onB.signOut();
    const afterSignOutOnA = (await onA.request("GET", `/api/events?${window}`)).status;
    return {
      label: options.label,
      sessionFromAWorksOnB: sessionOnB,
      createdOnA: created.status,
      liveChangeOnB: Boolean(change),
      liveLatencyMs: change ? change.at - written : null,
      feedOnBShowsIt: feedOnB.status === 200 && feedOnB.body.some((o) => o.eventId === created.body.id),
      cohortChangeOnB,
      signOutOnB: signOut,
      sessionOnAAfterSignOutOnB: afterSignOutOnA,
    };
  } finally {
    await a.stop();
    await b.stop();
  }
}

/**
 * B reads a cohort's window twice (members and window then in its memory); the patient of `eventId` leaves
 * the cohort elsewhere; B's reads must stop showing the event once the change's message has arrived.
 */
async function cohortChangeReaches(onB: Client, org: Awaited<ReturnType<typeof createTestOrganization>>, window: string, eventId: string) {
  const cohortId = await createTestCohort(org.id, `Cohort ${org.tag}`, org.patients.map((p) => p.id));
  const path = `/api/events?${window}&cohort=${cohortId}`;
  const shows = async () => {
    const reply = await onB.request<FeedOccurrence[]>("GET", path);
    if (reply.status !== 200) throw new Error(`GET ${path} on B answered ${reply.status}`);
    return reply.body.some((o) => o.eventId === eventId);
  };
  const before = (await shows()) && (await shows());
  const [event] = await db().$sql<{ patient_id: string }[]>`
    SELECT patient_id FROM event_patients WHERE event_id = ${eventId}`;
  await removeCohortMembers(org.staff.actor, { cohortId, patientIds: [event!.patient_id] });
  let waited = 0;
  while ((await shows()) && waited < 10_000) {
    await sleep(20);
    waited += 20;
  }
  return { shownBefore: before, goneAfter: !(await shows()) };
}
