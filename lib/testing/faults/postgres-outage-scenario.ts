import postgres from "postgres";
import { indexDifferences } from "@/lib/events/index/compare-index";
import { indexHoldsWindow } from "@/lib/events/index/read-from-index";
import { createTestOrganization } from "@/lib/testing/test-organization";
import { waitFor } from "@/lib/testing/wait-for";
import { startApp } from "./app";
import { readTasks, seedCalendar, single } from "./calendar";
import { waitForOutbox } from "./cache-outage-scenario";
import type { PostgresServer } from "./database";
import { interleave, runConcurrently, summarize, writeFigures, type RequestFigures } from "./figures";
import { Client, type Timed } from "./http";

export interface PostgresFaultFigures {
  name: string;
  /** Reads of windows the index holds (staff's organisation views, a patient's own calendar). */
  reads: RequestFigures;
  /** Creates, renames and deletes: each must be refused with 503. */
  writes: RequestFigures;
  health: { status: number; body: unknown };
  /** Rows or index entries left by refused writes (must be none). */
  halfWritten: string[];
  afterwardsWrite: number;
  differences: unknown[];
}

/**
 * Postgres goes away (stopped), hangs (every process frozen) or is slow (a lock makes writes wait past
 * the statement timeout) while staff and a patient read and staff write. Reads of windows in the index
 * keep being served from Redis; writes fail with 503 and leave nothing behind in either store.
 */
export async function runPostgresOutage(options: { server: PostgresServer; url: string; cacheUrl: string; sessionsUrl: string; appPort: number; prefix: string }) {
  const { server, url } = options;
  const org = await createTestOrganization({ patients: 4 });
  const calendar = await seedCalendar(org, { series: 8, singles: 18 });
  const app = await startApp(options.appPort, {
    DATABASE_URL: url,
    REDIS_URL: options.cacheUrl,
    SESSION_REDIS_URL: options.sessionsUrl,
    REDIS_KEY_PREFIX: options.prefix,
    API_RATE_LIMIT_PER_MINUTE: "1000000",
    DB_STATEMENT_TIMEOUT_MS: "2000",
  });
  const admin = postgres(url, { max: 2, onnotice: () => {} });
  try {
    const staff = new Client(app.url, app.url);
    await staff.login(org.staff.email, org.staff.password);
    const patient = new Client(app.url, app.url);
    await patient.login(org.patients[0]!.user.email, org.patients[0]!.user.password);
    if (!staff.signedIn || !patient.signedIn) throw new Error(`sign-in failed:\n${app.output()}`);
    // The windows staff open on the organisation (not filtered by patient: that needs Postgres to check
    // the ids), and the patient's own calendar.
    const orgWindows = { ...calendar, windows: calendar.windows.filter((w) => !w.includes("patients=")) };
    const ownWindows = { ...calendar, windows: [calendar.everything] };
    const readAll = (results: Timed[], rounds: number) => [
      ...readTasks(staff, orgWindows, null, [], results, rounds),
      ...readTasks(patient, ownWindows, null, [], results, rounds),
    ];
    // "Hydrated windows": read them through the app until the index holds every one. A server that has
    // just started may answer its first reads from Postgres without indexing them (its heartbeat or
    // breaker still settling on a busy machine), and such a window is not what this scenario is about.
    const held = [
      ...orgWindows.windows.map((w) => ({ scope: { orgId: org.id }, window: w })),
      ...ownWindows.windows.map((w) => ({ scope: { orgId: org.id, patientIds: [org.patients[0]!.id], ownPatientId: org.patients[0]!.id }, window: w })),
    ];
    const allHeld = async () =>
      (await Promise.all(held.map(({ scope, window }) => {
        const q = new URLSearchParams(window);
        return indexHoldsWindow(scope, new Date(q.get("start")!), new Date(q.get("end")!));
      }))).every(Boolean);
    await waitFor(async () => (await allHeld()) || (await runConcurrently(4, readAll([], 1)), false), 60_000, "the index holding every window the scenario reads");

    const faults: PostgresFaultFigures[] = [];
    let lock: postgres.ReservedSql | undefined;
    const run = async (name: string, breakIt: () => Promise<void> | void, restore: () => Promise<void> | void) => {
      await breakIt();
      const reads: Timed[] = [];
      const writes: Timed[] = [];
      const tag = `pg-${name}`;
      const [renamed, deleted] = [calendar.singleIds[0]!, calendar.singleIds[1]!];
      const writeTasks = [
        ...Array.from({ length: 6 }, (_, i) => async () => void writes.push(await staff.request("POST", "/api/events", single(org, `${tag} new ${i}`, i, calendar.from)))),
        async () => void writes.push(await staff.request("PATCH", `/api/events/${renamed}`, { title: `${tag} renamed` })),
        async () => void writes.push(await staff.request("DELETE", `/api/events/${deleted}`)),
      ];
      await runConcurrently(4, interleave(readAll(reads, 3), writeTasks));
      const health = await staff.request("GET", "/api/health");
      await restore();
      // "Once Postgres is back" starts when the app reaches it again (a restarted server on a busy
      // machine can take longer to take connections than a request's deadline).
      await waitFor(async () => (await staff.request<{ postgres?: string }>("GET", "/api/health")).body?.postgres === "up", 60_000, `the app reaching Postgres after "${name}"`);

      // Nothing of the refused writes in Postgres; the index equals Postgres once the outbox is empty.
      const halfWritten: string[] = [];
      const created = await admin<{ id: string }[]>`SELECT id FROM events WHERE org_id = ${org.id} AND title LIKE ${`${tag}%`}`;
      halfWritten.push(...created.map((r) => `event ${r.id} of a refused write`));
      const [kept] = await admin<{ n: number }[]>`SELECT count(*)::int AS n FROM events WHERE id = ${deleted}`;
      if (kept!.n !== 1) halfWritten.push(`deleted ${deleted} although the delete was refused`);
      await waitForOutbox(org.id);
      const index = await staff.request<{ title: string }[]>("GET", `/api/events?${calendar.everything}`);
      if (index.status === 200 && index.body.some((o) => o.title.startsWith(tag))) halfWritten.push("the index shows a refused write");
      const after = await staff.request("POST", "/api/events", single(org, `after ${name}`, 5, calendar.from));
      await waitForOutbox(org.id);
      faults.push({
        name,
        reads: summarize(reads),
        writes: summarize(writes, (r) => r.status === 503 && (r.body as { error?: { code?: string } })?.error?.code === "unavailable"),
        health: { status: health.status, body: health.body },
        halfWritten,
        afterwardsWrite: after.status,
        differences: await indexDifferences(org.id),
      });
    };

    await run("stopped", () => server.stop("fast"), () => server.start());
    await run("frozen", () => server.freeze(), () => server.thaw());
    await run(
      "slow (writes wait on a lock past the statement timeout)",
      async () => {
        lock = await admin.reserve();
        await lock`BEGIN`;
        await lock`LOCK TABLE events IN ACCESS EXCLUSIVE MODE`;
      },
      async () => {
        await lock!`ROLLBACK`;
        lock!.release();
      },
    );
    writeFigures("postgres-outage", { faults });
    return { faults };
  } finally {
    await admin.end({ timeout: 5 });
    await app.stop();
  }
}
