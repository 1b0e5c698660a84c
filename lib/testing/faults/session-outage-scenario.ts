import { createTestOrganization, type TestOrganization } from "@/lib/testing/test-organization";
import { startApp, type AppServer } from "./app";
import { dayFromNow } from "./calendar";
import { runConcurrently, summarize, writeFigures, type RequestFigures } from "./figures";
import { Client, type Timed } from "./http";

interface RedisHandle {
  url: string;
  stop: () => Promise<void>;
  restart: () => Promise<unknown>;
  pause: () => void;
  resume: () => void;
}

export interface SessionFaultFigures {
  name: string;
  /** Signed-in reads during the outage: every one must be refused with 503 (fail closed). */
  reads: RequestFigures;
  /** Sign-ins during the outage: 503 as well. */
  logins: RequestFigures;
  health: { status: number; body: unknown };
  /** From the store's return until a signed-in read answered 200 again. */
  resumeMs: number;
  /** The session from before the outage works again (the store persists it). */
  sessionSurvived: boolean;
  loginAfter: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const window = () => `start=${dayFromNow(8).toISOString()}&end=${dayFromNow(15).toISOString()}`;

/** Polls (bounded) until a signed-in read answers 200; returns how long that took. */
async function untilServing(client: Client, limitMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if ((await client.request("GET", `/api/events?${window()}`)).status === 200) return Date.now() - started;
    await sleep(50);
  }
  throw new Error(`${client.baseUrl} did not serve a signed-in read within ${limitMs} ms of the store's return`);
}

async function outage(name: string, app: AppServer, org: TestOrganization, store: RedisHandle, how: "stop" | "freeze"): Promise<SessionFaultFigures> {
  const staff = new Client(app.url, app.url);
  await staff.login(org.staff.email, org.staff.password);
  if (!staff.signedIn) throw new Error(`login before the outage failed on ${app.url}:\n${app.output()}`);
  if ((await staff.request("GET", `/api/events?${window()}`)).status !== 200) throw new Error("signed-in read before the outage failed");

  if (how === "stop") await store.stop();
  else store.pause();
  const reads: Timed[] = [];
  await runConcurrently(
    4,
    Array.from({ length: 24 }, () => async () => void reads.push(await staff.request("GET", `/api/events?${window()}`))),
  );
  const logins: Timed[] = [];
  for (let i = 0; i < 4; i += 1) logins.push(await new Client(app.url, app.url).login(org.staff.email, org.staff.password));
  const health = await staff.request("GET", "/api/health");

  if (how === "stop") await store.restart();
  else store.resume();
  const resumeMs = await untilServing(staff);
  const fresh = new Client(app.url, app.url);
  const loginAfter = (await fresh.login(org.staff.email, org.staff.password)).status;
  return {
    name,
    reads: summarize(reads, (r) => r.status === 503),
    logins: summarize(logins, (r) => r.status === 503),
    health: { status: health.status, body: health.body },
    resumeMs,
    sessionSurvived: true,
    loginAfter: fresh.signedIn ? 200 : loginAfter,
  };
}

/**
 * The session store goes away: with its own instance (stopped, then frozen) and when one instance holds
 * both the cache and the sessions (stopped). Signed-in requests and sign-ins fail closed with 503 and
 * resume when it returns, with the sessions it kept.
 */
export async function runSessionOutage(options: {
  cache: RedisHandle;
  sessions: RedisHandle;
  shared: RedisHandle;
  appPorts: [number, number];
  prefix: string;
}) {
  const org = await createTestOrganization({ patients: 2 });
  const common = { REDIS_KEY_PREFIX: options.prefix, API_RATE_LIMIT_PER_MINUTE: "1000000" };
  const separate = await startApp(options.appPorts[0], { ...common, REDIS_URL: options.cache.url, SESSION_REDIS_URL: options.sessions.url });
  const shared = await startApp(options.appPorts[1], { ...common, REDIS_URL: options.shared.url, SESSION_REDIS_URL: options.shared.url });
  try {
    const faults = [
      await outage("own instance stopped", separate, org, options.sessions, "stop"),
      await outage("own instance frozen", separate, org, options.sessions, "freeze"),
      await outage("shared with the cache, stopped", shared, org, options.shared, "stop"),
    ];
    writeFigures("session-outage", { faults });
    return { faults };
  } finally {
    await separate.stop();
    await shared.stop();
  }
}
