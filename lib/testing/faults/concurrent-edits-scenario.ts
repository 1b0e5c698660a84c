import { indexDifferences } from "@/lib/events/index/compare-index";
import { createEvent } from "@/lib/events/create-event";
import { feedQueryFromSearchParams } from "@/lib/events/feed-query";
import { readFromPostgres } from "@/lib/events/read-from-postgres";
import type { EventDetail, FeedOccurrence } from "@/lib/events/types";
import { createTestOrganization } from "@/lib/testing/test-organization";
import { startApp } from "./app";
import { dayFromNow } from "./calendar";
import { waitForOutbox } from "./cache-outage-scenario";
import { runConcurrently, summarize, writeFigures } from "./figures";
import { Client, type Timed } from "./http";

const HOUR = 3_600_000;

/** The occurrence's instants moved by `hours`, in the offset form the feed uses. */
function moved(o: FeedOccurrence, hours: number) {
  const shift = (iso: string) => new Date(new Date(iso).getTime() + hours * HOUR).toISOString();
  return { start: shift(o.start), end: shift(o.end) };
}

interface Attempt {
  kind: string;
  result: Timed<EventDetail | { error: { code: string } }>;
}

/**
 * Hundreds of conflicting edits of one weekly series from two app instances at once: occurrences dragged
 * (scope this), the series retitled and moved (scope all) while others edit single occurrences, and
 * pairs of "browsers" dragging the same occurrence at the same moment. Every edit carries the version
 * its author saw: each is either applied (200) or refused as a conflict (409), never lost. The
 * acknowledged versions must form one unbroken chain, and Redis must equal Postgres at the end.
 */
export async function runConcurrentEdits(options: { appPorts: [number, number]; prefix: string }) {
  const org = await createTestOrganization({ patients: 3 });
  const first = new Date(dayFromNow(9).getTime() + 10 * HOUR);
  const series = await createEvent(org.staff.actor, {
    title: "Physio",
    start: first.toISOString(),
    end: new Date(first.getTime() + HOUR).toISOString(),
    timeZone: org.timeZone,
    rrule: "FREQ=WEEKLY;COUNT=8",
    patientIds: [org.patients[0]!.id, org.patients[1]!.id],
  });
  const env = { REDIS_KEY_PREFIX: options.prefix, API_RATE_LIMIT_PER_MINUTE: "1000000" };
  const publicUrl = `http://127.0.0.1:${options.appPorts[0]}`;
  const apps = [await startApp(options.appPorts[0], env, publicUrl), await startApp(options.appPorts[1], env, publicUrl)];
  try {
    const clients: Client[] = [];
    for (const app of apps) {
      const client = new Client(app.url, publicUrl);
      await client.login(org.staff.email, org.staff.password);
      if (!client.signedIn) throw new Error(`sign-in failed on ${app.url}:\n${app.output()}`);
      clients.push(client);
    }
    const window = `start=${dayFromNow(7).toISOString()}&end=${dayFromNow(7 + 70).toISOString()}&timeZone=${encodeURIComponent(org.timeZone)}`;
    const occurrences = async (client: Client) => {
      const feed = await client.request<FeedOccurrence[]>("GET", `/api/events?${window}`);
      return feed.status === 200 ? feed.body.filter((o) => o.eventId === series.id) : [];
    };
    const attempts: Attempt[] = [];
    const patch = async (client: Client, kind: string, body: Record<string, unknown>) => {
      const result = await client.request<EventDetail>("PATCH", `/api/events/${series.id}`, { ...body, allowConflicts: true });
      attempts.push({ kind, result });
      return result;
    };

    // Two browsers drag the same occurrence at the same moment, 20 times: one wins, one gets 409.
    const pairs: number[][] = [];
    for (let round = 0; round < 20; round += 1) {
      const seen = await occurrences(clients[0]!);
      const target = seen[round % seen.length]!;
      const both = await Promise.all(
        clients.map((client, i) =>
          patch(client, "drag (pair)", { scope: "this", occurrenceStart: target.originalStart, version: target.version, ...moved(target, i + 1) }),
        ),
      );
      pairs.push(both.map((r) => r.status).sort());
    }

    // A storm: 240 edits, 24 in flight, alternating instances; each from what its author last read.
    const kinds = ["drag", "drag", "retitle one", "retitle all", "move all"] as const;
    const storm = Array.from({ length: 240 }, (_, i) => async () => {
      const client = clients[i % 2]!;
      const seen = await occurrences(client);
      const target = seen[(i * 7) % Math.max(1, seen.length)];
      if (!target) return;
      const kind = kinds[i % kinds.length]!;
      const base = { occurrenceStart: target.originalStart, version: target.version };
      if (kind === "drag") await patch(client, kind, { ...base, scope: "this", ...moved(target, (i % 3) + 1) });
      else if (kind === "retitle one") await patch(client, kind, { ...base, scope: "this", title: `One ${i}` });
      else if (kind === "retitle all") await patch(client, kind, { ...base, scope: "all", title: `All ${i}` });
      else await patch(client, kind, { ...base, scope: "all", ...moved(target, i % 2 ? 1 : -1) });
    });
    await runConcurrently(24, storm);

    // Every acknowledged edit produced the next version: one unbroken chain from the first to the last.
    const acknowledged = attempts.filter((a) => a.result.status === 200).map((a) => (a.result.body as EventDetail).version).sort((a, b) => a - b);
    const final = await clients[0]!.request<EventDetail>("GET", `/api/events/${series.id}`);
    const chain = Array.from({ length: final.body.version - series.version }, (_, i) => series.version + 1 + i);
    const lastAcknowledged = attempts.find((a) => a.result.status === 200 && (a.result.body as EventDetail).version === final.body.version);

    await waitForOutbox(org.id);
    const query = feedQueryFromSearchParams(new URLSearchParams(window));
    const fromIndex = await clients[1]!.request<FeedOccurrence[]>("GET", `/api/events?${window}`);
    const fromPostgres = JSON.parse((await readFromPostgres({ orgId: org.id }, query.start, query.end, query.timeZone)).toString()) as FeedOccurrence[];
    const byKind: Record<string, Record<string, number>> = {};
    for (const { kind, result } of attempts) {
      byKind[kind] ??= {};
      byKind[kind][result.status] = (byKind[kind][result.status] ?? 0) + 1;
    }
    const figures = {
      attempts: summarize(attempts.map((a) => a.result), (r) => r.status === 200 || r.status === 409),
      byKind,
      pairsWithOneWinner: pairs.filter((p) => p.join() === "200,409").length,
      pairs: pairs.length,
      acknowledgedWrites: acknowledged.length,
      versionsAdvanced: final.body.version - series.version,
      chainUnbroken: JSON.stringify(acknowledged) === JSON.stringify(chain),
      finalEqualsLastAcknowledged: JSON.stringify(lastAcknowledged?.result.body) === JSON.stringify(final.body),
      indexEqualsPostgres: JSON.stringify(fromIndex.body) === JSON.stringify(fromPostgres),
      differences: await indexDifferences(org.id),
    };
    writeFigures("concurrent-edits", figures);
    return figures;
  } finally {
    for (const app of apps) await app.stop();
  }
}
