/** Latency and throughput runs, percentiles, and CPU time of processes from /proc. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import type { Target } from "./http";
import { requestBytes, WireConnection, type WireReply } from "./wire";

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface ModeResult extends Percentiles {
  /** Requests per second at concurrency 16. */
  rps: number;
}

/** Linear interpolation between closest ranks (R type 7); samples need not be sorted. */
export function percentile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export const round = (value: number, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

export function percentiles(samples: number[]): Percentiles {
  return { p50: round(percentile(samples, 0.5))!, p95: round(percentile(samples, 0.95))!, p99: round(percentile(samples, 0.99))! };
}

/** Answers other than 200 during a run: counted by status, left out of the latencies, never fatal. */
export type Failures = Record<string, number>;

function record(failures: Failures, reply: WireReply): boolean {
  if (reply.status === 200) return true;
  failures[String(reply.status)] = (failures[String(reply.status)] ?? 0) + 1;
  return false;
}

export interface LatencyResult {
  samples: number[];
  failures: Failures;
}

/** A target's request bytes, built once per distinct request. */
const built = new Map<string, Buffer>();
function bytesOf(target: Target): Buffer {
  const key = `${target.port} ${target.method ?? "GET"} ${target.path} ${JSON.stringify(target.headers ?? {})}`;
  let bytes = built.get(key);
  if (!bytes) {
    if (built.size > 1000) built.clear();
    bytes = requestBytes(target);
    built.set(key, bytes);
  }
  return bytes;
}

/** A load worker's connections, one per port (the bench alternates servers). */
function worker() {
  const connections = new Map<number, WireConnection>();
  return {
    send(target: Target): Promise<WireReply> {
      let connection = connections.get(target.port);
      if (!connection) connections.set(target.port, (connection = new WireConnection(target.port)));
      return connection.send(bytesOf(target));
    },
    close() {
      for (const connection of connections.values()) connection.close();
    },
  };
}

/** Sequential requests (concurrency 1) for `durationMs` (at least `minRequests`); their latencies in ms. */
export async function latencyRun(next: () => Target, durationMs: number, minRequests = 3): Promise<LatencyResult> {
  const samples: number[] = [];
  const failures: Failures = {};
  const deadline = Date.now() + durationMs;
  const client = worker();
  try {
    for (let n = 0; Date.now() < deadline || n < minRequests; n += 1) {
      const reply = await client.send(next());
      if (record(failures, reply)) samples.push(reply.ms);
    }
  } finally {
    client.close();
  }
  return { samples, failures };
}

export interface ThroughputResult {
  requests: number;
  seconds: number;
  rps: number;
  latencies: number[];
  failures: Failures;
}

/** `concurrency` workers in a closed loop for `durationMs`; successful requests per second. */
export async function throughputRun(next: () => Target, concurrency: number, durationMs: number): Promise<ThroughputResult> {
  const latencies: number[] = [];
  const failures: Failures = {};
  const started = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  const loop = async () => {
    const client = worker();
    try {
      while (Date.now() < deadline) {
        const reply = await client.send(next());
        if (record(failures, reply)) latencies.push(reply.ms);
      }
    } finally {
      client.close();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { requests: latencies.length, seconds, rps: latencies.length / seconds, latencies, failures };
}

export function addFailures(into: Failures, from: Failures): Failures {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  return into;
}

// ---- CPU time of processes (Linux /proc), to say where the time goes -------------------------------------

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

function stat(pid: number): { ppid: number; cpuMs: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    const ms = (n: number) => (Number(fields[n - 3]) * 1000) / clockTicks();
    return { ppid: Number(fields[1]), cpuMs: ms(14) + ms(15) };
  } catch {
    return null;
  }
}

/** The pid and all its descendants, now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return out;
}

/** CPU milliseconds (user + system) used so far by a process tree (live members only). */
export function treeCpuMs(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (stat(pid)?.cpuMs ?? 0), 0);
}

/**
 * CPU use of named process trees over a block of work: ms of CPU per named tree. The client (this process)
 * is read after the other trees at the start and before them at the end: reading the trees scans every
 * process in /proc, work of the meter that must not count as the load client's.
 */
export class CpuMeter {
  private readonly start = new Map<string, number>();
  constructor(private readonly roots: Record<string, number | undefined>) {
    for (const [name, pid] of this.trees()) this.start.set(name, treeCpuMs(pid));
    if (roots.client) this.start.set("client", selfCpuMs());
  }
  stop(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.roots.client) out.client = selfCpuMs() - this.start.get("client")!;
    for (const [name, pid] of this.trees()) out[name] = treeCpuMs(pid) - this.start.get(name)!;
    return out;
  }
  private trees(): [string, number][] {
    return Object.entries(this.roots).filter((e): e is [string, number] => e[0] !== "client" && e[1] !== undefined);
  }
}

function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
