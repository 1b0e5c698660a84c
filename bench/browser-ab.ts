/**
 * A/B of the benchmark's browser measurement: two builds (two checkouts, each with its own `next build`) served
 * against the benchmark's kept data (`npm run bench -- --quick --keep-services` first), navigations alternated
 * between them, medians per build. Options: --detail prints each navigation's resource timings and appointment
 * counts, --stacks the page's console and where each fetch came from, --trace=PREFIX writes a Chromium trace
 * (with CPU samples) per navigation. Ports: BENCH_PORT + 50 onwards; data: BENCH_PG_PORT, BENCH_REDIS_PORT.
 *
 *   tsx bench/browser-ab.ts --rounds=8 A=../other-checkout B=.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import postgres from "postgres";
import { chromium, type Browser } from "@playwright/test";
import { ARGS, LOADING, waitUntilRendered } from "./browser";
import { GROUP_TITLE, TITLES } from "./generate";
import { login, waitForHttp } from "./http";

const args = process.argv.slice(2);
const rounds = Number(args.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 6);
const detail = args.includes("--detail");
const trace = args.find((a) => a.startsWith("--trace="))?.slice(8);
const builds = args.filter((a) => /^\w+=/.test(a) && !a.startsWith("--")).map((a) => ({ name: a.split("=")[0]!, dir: path.resolve(a.slice(a.indexOf("=") + 1)) }));
const basePort = Number(process.env.BENCH_PORT ?? 3071) + 50;
const pgPort = Number(process.env.BENCH_PG_PORT ?? 54330);
const redisPort = Number(process.env.BENCH_REDIS_PORT ?? 46380);
const PASSWORD = "bench-password-1234";

function start(dir: string, port: number, secret: string): ChildProcess {
  return spawn(path.join(dir, "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: dir,
    stdio: "ignore",
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME!,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      DATABASE_URL: `postgres://bench_cached@127.0.0.1:${pgPort}/cohort_bench`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      SESSION_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_KEY_PREFIX: "bench:",
      NEXTAUTH_SECRET: secret,
      NEXTAUTH_URL: `http://localhost:${port}`,
      CACHE_MODE: "on",
      BENCH_MODE: "1",
      SEED_DEMO: "0",
      API_RATE_LIMIT_PER_MINUTE: "100000000",
      LOG_LEVEL: "warn",
      HORIZON_JOB: "off",
      REMINDER_WORKER: "off",
    },
  });
}

async function navigate(browser: Browser, port: number, token: string, pagePath: string, timeZone: string) {
  const context = await browser.newContext({ timezoneId: timeZone, locale: "en-US", viewport: { width: 1440, height: 900 }, bypassCSP: true });
  await context.addCookies([{ name: "next-auth.session-token", value: token, domain: "localhost", path: "/", httpOnly: true, sameSite: "Lax" }]);
  const page = await context.newPage();
  if (args.includes("--stacks")) {
    await page.addInitScript(`{ Error.stackTraceLimit = 60; const f = window.fetch; window.fetch = function (u, i) { console.log("FETCH " + String(u).slice(0, 40) + " at " + Math.round(performance.now()) + "\\n" + new Error().stack.split("\\n").slice(2, 40).map((l) => l.trim().replace(/https?:[^ ]*\\/chunks\\//, "")).join(" < ")); return f.call(this, u, i); }; }`);
    page.on("console", (m) => console.log(m.type(), m.text().slice(0, 5000))); page.on("response", (r) => r.status() >= 400 && console.log("HTTP", r.status(), r.url()));
  }
  if (trace) await browser.startTracing(page, { path: `${trace}-${port}-${Date.now()}.json`, categories: ["devtools.timeline", "v8.execute", "disabled-by-default-devtools.timeline", "blink.user_timing", "disabled-by-default-v8.cpu_profiler"] });
  let documentAt = 0;
  let feedAt = 0;
  const started = Date.now();
  page.on("requestfinished", (request) => {
    if (request.url().includes("/api/events")) feedAt = Date.now() - started;
    else if (request.resourceType() === "document" && !documentAt) documentAt = Date.now() - started;
  });
  await page.goto(`http://localhost:${port}${pagePath}`, { waitUntil: "commit", timeout: 30_000 });
  const { firstEventMs, renderedAt, events } = await waitUntilRendered(page, [...TITLES, GROUP_TITLE], started, async (now, at) => {
    if (detail) console.log(`    count ${now} at ${at} loading ${await page.evaluate(LOADING)}`);
  });
  if (detail) {
    const entries = (await page.evaluate(`JSON.stringify(performance.getEntriesByType("resource").map((e) => [e.name.replace(/^https?:\\/\\/[^/]+/, "").slice(0, 70), Math.round(e.startTime), Math.round(e.responseEnd), e.transferSize])
      .concat(performance.getEntriesByType("navigation").map((e) => ["(document)", Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd), Math.round(e.domInteractive), Math.round(e.domContentLoadedEventEnd)])))`)) as string;
    for (const e of JSON.parse(entries) as unknown[][]) console.log("   ", e.join("  "));
  }
  if (trace) await browser.stopTracing();
  await context.close();
  return { firstEventMs, renderedMs: renderedAt, documentMs: documentAt, feedMs: feedAt, events };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const db = postgres(`postgres://postgres@127.0.0.1:${pgPort}/cohort_bench`, { max: 1, onnotice: () => {} });
  const [org] = await db<{ id: string; tz: string; monday: string }[]>`
    SELECT o.id, o.time_zone AS tz, date_trunc('week', now() AT TIME ZONE o.time_zone)::date::text AS monday
    FROM organizations o ORDER BY (SELECT count(*) FROM patients p WHERE p.org_id = o.id) DESC, o.slug LIMIT 1`;
  const [cohort] = await db<{ id: string }[]>`SELECT id FROM cohorts WHERE org_id = ${org!.id} ORDER BY name LIMIT 1`;
  const [staff] = await db<{ email: string }[]>`SELECT email FROM users WHERE org_id = ${org!.id} AND role = 'staff' ORDER BY email LIMIT 1`;
  await db.end();
  const date = new Date(Date.parse(`${org!.monday}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
  const pagePath = `/calendar?view=week&date=${date}&cohort=${cohort!.id}`;
  const secret = crypto.randomBytes(32).toString("base64url");
  const children: ChildProcess[] = [];
  process.once("SIGTERM", () => {
    for (const child of children) child.kill("SIGTERM");
    process.exit(143);
  });
  const servers = builds.map((b, i) => ({ ...b, port: basePort + i, child: children[children.push(start(b.dir, basePort + i, secret)) - 1]!, token: "", runs: [] as Awaited<ReturnType<typeof navigate>>[] }));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ARGS });
  try {
    for (const s of servers) {
      await waitForHttp(s.port, "/api/health/live", 60_000);
      s.token = (await login(s.port, staff!.email, PASSWORD)).token;
      await navigate(browser, s.port, s.token, pagePath, org!.tz); // warm-up: route modules loaded, caches filled
    }
    for (let r = 0; r < rounds; r += 1) {
      for (const s of r % 2 ? [...servers].reverse() : servers) {
        const run = await navigate(browser, s.port, s.token, pagePath, org!.tz);
        s.runs.push(run);
        console.log(`${s.name} round ${r}: first ${run.firstEventMs} rendered ${run.renderedMs} document ${run.documentMs} feed ${run.feedMs} events ${run.events}`);
      }
    }
    for (const s of servers) {
      const m = (k: "firstEventMs" | "renderedMs" | "documentMs" | "feedMs") => median(s.runs.map((x) => x[k]));
      console.log(`${s.name}: median rendered ${m("renderedMs")} first ${m("firstEventMs")} document ${m("documentMs")} feed ${m("feedMs")} (${s.runs.length} runs)`);
    }
  } finally {
    await browser.close();
    for (const s of servers) s.child.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
