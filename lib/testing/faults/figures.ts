import fs from "node:fs";
import path from "node:path";
import { figuresDir } from "@/scripts/testing/fault-env.mjs";
import type { Timed } from "./http";

/** What a set of requests came to: counts by status and latency percentiles (measured, never asserted). */
export interface RequestFigures {
  requests: number;
  /** Answers that are not what the contract promises in this phase (see `ok`). */
  failed: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export function summarize(results: Timed[], ok: (r: Timed) => boolean = (r) => r.status >= 200 && r.status < 300): RequestFigures {
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0);
  const statuses: Record<string, number> = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return {
    requests: results.length,
    failed: results.filter((r) => !ok(r)).length,
    statuses,
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
}

/** Runs tasks with at most `concurrency` in flight; results in task order. */
export async function runConcurrently<T>(concurrency: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}

/** Writes one scenario's figures (JSON) for the reliability report (`npm run reliability`). */
export function writeFigures(scenario: string, figures: Record<string, unknown>): void {
  const dir = figuresDir();
  fs.mkdirSync(dir, { recursive: true });
  const record = { scenario, measuredAt: new Date().toISOString(), ...figures };
  fs.writeFileSync(path.join(dir, `${scenario}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

/** a[0], b[0], a[1], b[1], …: reads and writes in flight together. */
export function interleave<T>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}
