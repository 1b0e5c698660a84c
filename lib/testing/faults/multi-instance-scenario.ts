import type { FeedOccurrence, LiveUpdate } from "@/lib/events/types";
import { createTestOrganization } from "@/lib/testing/test-organization";
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
 * hot windows of the other, and a sign-out on one ends the session on both.
 */
export async function runMultiInstance(options: { appPorts: [number, number]; env: Record<string, string | undefined>; label: string }) {
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

    const signOut = await onB.signOut();
    const afterSignOutOnA = (await onA.request("GET", `/api/events?${window}`)).status;
    return {
      label: options.label,
      sessionFromAWorksOnB: sessionOnB,
      createdOnA: created.status,
      liveChangeOnB: Boolean(change),
      liveLatencyMs: change ? change.at - written : null,
      feedOnBShowsIt: feedOnB.status === 200 && feedOnB.body.some((o) => o.eventId === created.body.id),
      signOutOnB: signOut,
      sessionOnAAfterSignOutOnB: afterSignOutOnA,
    };
  } finally {
    await a.stop();
    await b.stop();
  }
}
