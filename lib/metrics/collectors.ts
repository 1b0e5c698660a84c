import "server-only";
import { Gauge } from "prom-client";
import { activeSessions, outboxBacklog, redisMemory, roundTrips } from "@/lib/ops/system-status";
import { redisBreakers } from "@/lib/redis/client";
import { instruments } from "./instruments";

/**
 * Gauges read from the stores when Prometheus scrapes (not on the request path): outbox backlog, live
 * sessions, Redis memory and evictions, round-trip times. Kept apart from `instruments.ts`, which the
 * engine imports, so that recording a cache hit never pulls the database client into a module cycle.
 * A store that does not answer leaves its gauges out of that scrape rather than failing it.
 */
const globalForCollectors = globalThis as unknown as { cohortCollectors?: boolean };

export function registerCollectors(): void {
  if (globalForCollectors.cohortCollectors) return;
  globalForCollectors.cohortCollectors = true;
  const registers = [instruments().registry];

  new Gauge({
    name: "cohort_index_outbox_backlog",
    help: "Outbox rows (index work committed in Postgres, not yet in Redis)",
    registers,
    async collect() {
      this.reset();
      const backlog = await outboxBacklog();
      if (backlog) this.set(backlog.rows);
    },
  });
  new Gauge({
    name: "cohort_index_outbox_oldest_seconds",
    help: "Age of the oldest outbox row: how far the index lags behind Postgres",
    registers,
    async collect() {
      this.reset();
      const backlog = await outboxBacklog();
      if (backlog) this.set(backlog.oldestSeconds);
    },
  });
  new Gauge({
    name: "cohort_active_sessions",
    help: "Live session records in the session store (counted at most every 30 s)",
    registers,
    async collect() {
      this.reset();
      const count = await activeSessions();
      if (count !== null) this.set(count);
    },
  });

  // Three gauges read the same INFO replies: ask each Redis once per scrape.
  const memory = new Map<string, { at: number; value: ReturnType<typeof redisMemory> }>();
  const memoryOf = (which: "cache" | "sessions") => {
    const hit = memory.get(which);
    if (hit && Date.now() - hit.at < 2000) return hit.value;
    const value = redisMemory(which);
    memory.set(which, { at: Date.now(), value });
    return value;
  };
  const memoryGauge = (name: string, help: string, pick: (m: NonNullable<Awaited<ReturnType<typeof redisMemory>>>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["instance"],
      registers,
      async collect() {
        this.reset();
        for (const which of ["cache", "sessions"] as const) {
          const m = await memoryOf(which);
          if (m) this.set({ instance: which }, pick(m));
        }
      },
    });
  memoryGauge("cohort_redis_used_memory_bytes", "Memory used by Redis", (m) => m.usedBytes);
  memoryGauge("cohort_redis_maxmemory_bytes", "Redis maxmemory (0: no limit)", (m) => m.maxBytes);
  memoryGauge("cohort_redis_evicted_keys", "Keys Redis evicted since it started (a counter kept by Redis)", (m) => m.evictedKeys);

  // The Redis circuit breakers (lib/redis/client.ts) keep their state and counts on globalThis.
  const breakerGauge = (name: string, help: string, pick: (b: NonNullable<ReturnType<typeof redisBreakers>["cache"]>) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["dependency"],
      registers,
      collect() {
        this.reset();
        const { cache, sessions } = redisBreakers();
        if (cache) this.set({ dependency: "redis_cache" }, pick(cache));
        if (sessions) this.set({ dependency: "redis_sessions" }, pick(sessions));
      },
    });
  breakerGauge("cohort_circuit_breaker_state", "Redis circuit breaker: 0 closed, 1 open (calls fail fast; reads come from Postgres)", (b) =>
    b.state === "open" ? 1 : 0,
  );
  breakerGauge("cohort_circuit_breaker_opened", "Times the breaker opened since the process started (a counter)", (b) => b.opened);
  breakerGauge("cohort_circuit_breaker_rejected", "Calls refused while the breaker was open (a counter)", (b) => b.rejected);

  new Gauge({
    name: "cohort_dependency_rtt_seconds",
    help: "Round-trip time of the cheapest call (SELECT 1, PING) to each store",
    labelNames: ["dependency"],
    registers,
    async collect() {
      this.reset();
      const rtt = await roundTrips();
      if (rtt.postgres !== null) this.set({ dependency: "postgres" }, rtt.postgres / 1000);
      if (rtt.redis !== null) this.set({ dependency: "redis_cache" }, rtt.redis / 1000);
      if (rtt.sessions !== null) this.set({ dependency: "redis_sessions" }, rtt.sessions / 1000);
    },
  });
}

/** The Prometheus text exposition of this process. */
export async function metricsText(): Promise<{ body: string; contentType: string }> {
  registerCollectors();
  const { registry } = instruments();
  return { body: await registry.metrics(), contentType: registry.contentType };
}
