/** The results as a markdown table (bench/results/latest.md) and in the README's performance section. */
import fs from "node:fs";

type Num = number | null | undefined;
interface Mode {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
}
export interface ViewResult {
  label: string;
  occurrences: number;
  responseBytes: number;
  cached: Mode;
  uncached: Mode;
  floor?: Mode;
  /** The floor after the session check and audit entry every read pays (`guard=1`). */
  guarded?: Mode;
  ratio: { p50: number; rps: number };
  toFloor?: { cachedP50: number; uncachedP50: number };
  [extra: string]: unknown;
}
export interface Target {
  name: string;
  target: string;
  value: Num | boolean | string;
  met: boolean | null;
  /**
   * For a cached-against-uncached ratio: the ratio the guarded floor (the bytes from memory after the
   * session check and audit entry every read pays) reaches against the uncached path, i.e. the best any
   * cache can do on this server. Below the target, the target is out of reach here.
   */
  ceiling?: Num;
}

const f = (v: Num, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(digits));
const n0 = (v: Num) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : Math.round(v).toLocaleString("en-US"));
const x = (v: Num) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : `${v.toFixed(1)}×`);
const lat = (m: Mode | undefined) => (m ? `${f(m.p50)} / ${f(m.p95)} / ${f(m.p99)}` : "–");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function markdown(r: any): string {
  const views = r.views as Record<string, ViewResult>;
  const lines: string[] = [];
  lines.push(
    `Run of ${r.finishedAt?.slice(0, 16).replace("T", " ")} UTC, \`npm run bench${r.mode === "quick" ? " -- --quick" : ""}\`: ` +
      `${n0(r.dataset?.occurrences)} occurrences (${r.dataset?.organizations} organisations, ${n0(r.dataset?.patients)} patients), ` +
      `commit ${r.git?.commit?.slice(0, 7) ?? "?"}${r.git?.dirty ? " (with uncommitted changes)" : ""}. ` +
      `${r.machine?.cpus}× ${r.machine?.cpuModel}, ${r.machine?.memoryGb} GB, ${r.machine?.os}; Node ${r.machine?.node}, ` +
      `Postgres ${r.machine?.postgres}, Redis ${r.machine?.redis}; client, app, Postgres and Redis on the same machine ` +
      `(load average ${r.machine?.loadAverageStart?.[0]} at start, ${r.machine?.loadAverageEnd?.[0]} at the end).`,
  );
  lines.push("");
  lines.push("Latency at concurrency 1 (ms, p50 / p95 / p99) and requests/s at concurrency 16, cached (`CACHE_MODE=on`) and uncached (`CACHE_MODE=off`) alternated in the same run; the floor is the same bytes from process memory on the same server, asked with the same query string and cookie; the guarded floor is the floor after the session check and audit entry every read pays (one Redis round trip).");
  lines.push("");
  lines.push("| View | occurrences | cached p50 / p95 / p99 | cached req/s | uncached p50 / p95 / p99 | uncached req/s | floor p50 / p95 / p99 | floor req/s | guarded floor p50 / p95 / p99 | guarded floor req/s | uncached ÷ cached p50 | cached ÷ uncached req/s | cached ÷ floor p50 | uncached ÷ floor p50 |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const v of Object.values(views)) {
    lines.push(
      `| ${v.label} | ${n0(v.occurrences)} | ${lat(v.cached)} | ${n0(v.cached.rps)} | ${lat(v.uncached)} | ${n0(v.uncached.rps)} | ${lat(v.floor)} | ${n0(v.floor?.rps)} | ${lat(v.guarded)} | ${n0(v.guarded?.rps)} | ` +
        `${x(v.ratio.p50)} | ${x(v.ratio.rps)} | ${x(v.toFloor?.cachedP50)} | ${x(v.toFloor?.uncachedP50)} |`,
    );
  }
  const failing = Object.values(views).filter((v) => ["cached", "uncached", "floor", "guarded"].some((mode) => Object.keys((v.failures as Record<string, Record<string, number>> | undefined)?.[mode] ?? {}).length));
  for (const v of failing) {
    const failures = v.failures as Record<string, Record<string, number>>;
    const parts = Object.entries(failures).filter(([, f]) => Object.keys(f).length).map(([mode, f]) => `${mode} ${Object.entries(f).map(([s, c]) => `${c}× ${s}`).join(", ")}`);
    lines.push("");
    lines.push(`${v.label}: answers other than 200 (left out of the numbers above): ${parts.join("; ")}.`);
  }
  lines.push("");
  const m = r.mixed ?? {};
  const cs = r.coldStart ?? {};
  const w = r.writes ?? {};
  const b = r.browser ?? {};
  lines.push("| Measure | Result |");
  lines.push("|---|---|");
  lines.push(`| Load: Postgres (generate + VACUUM ANALYZE) / Redis index (warm-up through the read path) | ${f((r.load?.pgMs ?? NaN) / 1000, 1)} s / ${f((r.load?.indexMs ?? NaN) / 1000, 1)} s |`);
  lines.push(`| Mixed workload (95% reads / 5% writes, ${m.seconds ? Math.round(m.seconds) : "–"} s, ${m.workers ?? "–"} clients) | ${n0(m.reads)} reads, ${n0(m.writes)} writes; read p50 / p99 ${f(m.readLatency?.p50)} / ${f(m.readLatency?.p99)} ms; write p50 / p99 ${f(m.writeLatency?.p50)} / ${f(m.writeLatency?.p99)} ms${m.error ? `; error: ${m.error}` : ""} |`);
  lines.push(`| Cache hit ratio (reads answered without reading occurrences from Postgres) | ${f(r.hitRatio, 4)} |`);
  const pg = m.postgres ?? {};
  lines.push(`| Postgres queries per read (mixed workload; statements the read instance attributes to the reads) | ${f(r.pgQueriesPerRead, 3)} |`);
  lines.push(`| Background statements on the read instance during the mixed workload (audit consumer, reminder worker, reconciler), per read | ${pg.backgroundStatementsOnReadInstance != null && m.reads ? f(pg.backgroundStatementsOnReadInstance / m.reads, 3) : "–"} |`);
  lines.push(`| Redis equals Postgres after the mixed workload (compareIndex, every organisation) | ${m.consistency ? (m.consistency.equal ? "yes" : `NO: ${m.consistency.differingSets} sets differ`) : "–"} |`);
  lines.push(`| Cold start: first organisation-day read after FLUSHALL and a restart / the read after it | ${f(cs.firstOrgDayMs, 1)} ms / ${f(cs.secondOrgDayMs, 1)} ms |`);
  lines.push(`| Cold start: rehydrating the hot horizon (${cs.hotHorizonDays ?? "–"} days) of all organisations | ${f((cs.hotHorizonMs ?? NaN) / 1000, 1)} s |`);
  lines.push(`| Redis bytes per occurrence (INFO used_memory, organisation + patient sets) | ${n0(r.redisBytesPerOccurrence)} |`);
  lines.push(`| Postgres bytes per occurrence (occurrences + occurrence_patients, with indexes) | ${n0(r.pgBytesPerOccurrence)} |`);
  lines.push(`| Create a single event, p50 / p99 | ${f(w.single?.p50)} / ${f(w.single?.p99)} ms |`);
  lines.push(`| Create a weekly series over a year (52 occurrences), p50 / p99 | ${f(w.series?.p50)} / ${f(w.series?.p99)} ms |`);
  lines.push(
    `| Browser: navigation to a rendered week view (${b.selection ?? "–"}, ${b.events ?? "–"} appointments), median of ${b.runs?.length ?? "–"} | ` +
      `${f(b.renderedMs, 0)} ms (first appointment ${f(b.firstEventMs, 0)} ms)${b.error ? `; error: ${b.error}` : ""} |`,
  );
  lines.push("");
  const scaling = r.scaling;
  if (scaling?.points?.length) {
    lines.push(`Scaling (p50 ms at concurrency 1, cached / uncached): ${scaling.note ?? ""}`);
    lines.push("");
    lines.push(`| View | ${scaling.points.map((p: { occurrences: number }) => `${n0(p.occurrences)} occurrences`).join(" | ")} |${scaling.ratio ? " large ÷ small |" : ""}`);
    lines.push(`|---|${scaling.points.map(() => "---:").join("|")}|${scaling.ratio ? "---:|" : ""}`);
    for (const view of Object.keys(scaling.points[0].views)) {
      const cells = scaling.points.map((p: { views: Record<string, { cached: Mode; uncached: Mode }> }) => `${f(p.views[view]?.cached.p50)} / ${f(p.views[view]?.uncached.p50)}`);
      const ratio = scaling.ratio?.[view];
      lines.push(`| ${views[view]?.label ?? view} | ${cells.join(" | ")} |${ratio ? ` ${x(ratio.cached)} / ${x(ratio.uncached)} |` : ""}`);
    }
    lines.push("");
  }
  if (Array.isArray(r.targets)) {
    lines.push("Issue 6's targets (informational: the benchmark never fails on a number):");
    lines.push("");
    lines.push("| Target | Wanted | Measured | Best possible (the guarded floor's ratio) | Met |");
    lines.push("|---|---|---|---|---|");
    for (const t of r.targets as Target[]) {
      const value = typeof t.value === "number" ? f(t.value, t.value < 10 ? 2 : 0) : String(t.value ?? "–");
      const wanted = Number(/[\d.]+/.exec(t.target)?.[0]);
      const outOfReach = !t.met && typeof t.ceiling === "number" && t.ceiling < wanted;
      const met = t.met === null ? "–" : t.met ? "yes" : outOfReach ? "no: out of reach (the guarded floor falls short)" : "no";
      lines.push(`| ${t.name} | ${t.target} | ${value} | ${typeof t.ceiling === "number" ? f(t.ceiling) : "–"} | ${met} |`);
    }
    lines.push("");
  }
  if (r.profile?.length) {
    lines.push("Where the time goes (CPU ms per request at concurrency 16: app server / Postgres / Redis / load client):");
    lines.push("");
    lines.push("| View | cached | uncached | floor | guarded floor |");
    lines.push("|---|---|---|---|---|");
    for (const p of r.profile as { view: string; cached: string; uncached: string; floor: string; guarded?: string }[]) {
      lines.push(`| ${p.view} | ${p.cached} | ${p.uncached} | ${p.floor} | ${p.guarded ?? "–"} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

export const README_START = "<!-- bench:results:start -->";
export const README_END = "<!-- bench:results:end -->";

/** Replaces the README's results block (between the markers) with `table`; false when the markers are missing. */
export function updateReadme(file: string, table: string): boolean {
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return false;
  fs.writeFileSync(file, `${text.slice(0, start + README_START.length)}\n${table}\n${text.slice(end)}`);
  return true;
}
