import "server-only";
import Redis, { Cluster, Command } from "ioredis";
import { clusterNodeOptions, redisOptions, redisTls } from "@/lib/connections";
import { env } from "@/lib/env";
import { recordDependencyError } from "@/lib/metrics/instruments";
import { logger } from "@/lib/logger";
import { CircuitBreaker, type BreakerState, type BreakerStats } from "@/lib/reliability/circuit-breaker";

/** A standalone Redis or a Redis Cluster: the cache may be either; sessions are always standalone. */
export type RedisClient = Redis | Cluster;

/** What a refused or failed Redis call throws while its breaker is open. */
export class RedisUnavailableError extends Error {
  readonly code = "REDIS_UNAVAILABLE";
  constructor(name: string) {
    super(`${name} is unavailable (circuit open)`);
    this.name = "RedisUnavailableError";
  }
}

/**
 * Errors that say the server is away rather than that it refused a command: timeouts, lost or refused
 * connections, a cluster that cannot serve a slot. Replies such as WRONGTYPE or NOSCRIPT prove the
 * server answers, so they do not count against the breaker.
 */
function isOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (error.name !== "ReplyError") return true;
  return /^(LOADING|CLUSTERDOWN|MASTERDOWN|TRYAGAIN|BUSY)/.test(error.message);
}

type SendCommand = (command: Command, stream?: unknown, node?: unknown) => unknown;

/**
 * Puts a breaker in front of every command of a client (pipelines, scripts and transactions included:
 * they all go through `sendCommand`). While it is open, commands are refused at once, so a Redis that is
 * down or hangs costs callers nothing after the first few timeouts, and nothing piles up in memory.
 * Connection handshakes (status "connect") and the breaker's own probes pass.
 */
/** Commands that pass a breaker: its own probes, and announcements that must go out even while it is open. */
const unguarded = new WeakSet<Command>();

/**
 * Bounds a command by the command timeout, judged once this process has read what arrived meanwhile.
 * ioredis' own commandTimeout rejects in the timers phase; after a stall of this process's event loop (a
 * long GC, a burst of CPU-bound requests) that phase comes before the poll phase reads the replies that
 * arrived during the stall, so commands already answered were rejected, and counted against the breaker
 * as if Redis were away. setImmediate runs after that poll phase.
 */
function bound(command: Command, timeoutMs: number): void {
  let settled = false;
  const timer = setTimeout(() => setImmediate(() => settled || command.reject(new Error("Command timed out"))), timeoutMs);
  const settle = () => {
    settled = true;
    clearTimeout(timer);
  };
  command.promise.then(settle, settle);
}

function guard(client: RedisClient, name: string): CircuitBreaker {
  const send = client.sendCommand.bind(client) as SendCommand;
  const timeoutMs = env().REDIS_COMMAND_TIMEOUT_MS;
  const ping = (target: Redis | Cluster, direct: boolean) => {
    // Never into an offline queue: while disconnected, a probe every interval would pile up there.
    // ("wait": a cluster's node connection not opened yet; the ping opens it.)
    if (target.status !== "ready" && target.status !== "wait") return Promise.reject(new Error(`${name} is ${target.status}`));
    const command = new Command("ping", []);
    unguarded.add(command);
    bound(command, timeoutMs);
    if (direct) send(command);
    else target.sendCommand(command);
    return command.promise;
  };
  const { REDIS_BREAKER_FAILURES, REDIS_BREAKER_PROBE_MS } = env();
  const breaker = new CircuitBreaker(name, {
    failureThreshold: REDIS_BREAKER_FAILURES,
    probeIntervalMs: REDIS_BREAKER_PROBE_MS,
    // A cluster is back when every master answers; node connections are not guarded.
    probe: () =>
      client instanceof Cluster ? Promise.all(client.nodes("master").map((node) => ping(node, false))) : ping(client, true),
    onChange: (state, reason) => {
      const log = logger();
      if (state === "open") log.warn({ redis: name, reason }, "redis circuit opened: calls fail fast until it answers again");
      else log.info({ redis: name, reason }, "redis circuit closed");
      for (const listener of listeners()) listener(name, state);
    },
  });

  (client as { sendCommand: SendCommand }).sendCommand = (command, stream, node) => {
    if (unguarded.has(command)) return send(command, stream, node);
    if (client.status !== "connect" && !breaker.allow()) {
      command.reject(new RedisUnavailableError(name));
      return command.promise;
    }
    bound(command, timeoutMs);
    const result = send(command, stream, node);
    command.promise.then(
      () => breaker.success(),
      (error: unknown) => (isOutage(error) ? breaker.failure(error instanceof Error ? error.message : String(error)) : breaker.success()),
    );
    return result;
  };

  // A lost (or refused) connection is known at once: no need to wait for three timeouts. So the offline
  // queue holds commands only while a new process connects for the first time; once a connection has
  // failed, commands are refused until it is back instead of queueing without bound.
  client.on("close", () => breaker.open("connection closed"));
  // A completed handshake (ready check included) is an answer: no need to wait for the next probe.
  client.on("ready", () => breaker.close("connected"));
  return breaker;
}

function connectStandalone(url: string, name: string): { client: Redis; breaker: CircuitBreaker } {
  const client = new Redis(url, redisOptions(url, name));
  // Errors surface on the commands that hit them; the connection-level event is only counted.
  client.on("error", (error) => recordDependencyError(name === "cohort-cache" ? "redis_cache" : "redis_sessions", error));
  return { client, breaker: guard(client, name) };
}

function connectCluster(nodes: string[], name: string): { client: Cluster; breaker: CircuitBreaker } {
  const client = new Cluster(
    nodes.map((node) => {
      const at = node.lastIndexOf(":");
      return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
    }),
    {
      clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      slotsRefreshTimeout: 2000,
      redisOptions: clusterNodeOptions(name),
    },
  );
  client.on("error", (error) => recordDependencyError("redis_cache", error));
  client.on("node error", () => {});
  return { client, breaker: guard(client, name) };
}

type Listener = (name: string, state: BreakerState) => void;

interface Connections {
  cache?: { client: RedisClient; breaker: CircuitBreaker };
  sessions?: { client: Redis; breaker: CircuitBreaker };
  reminders?: { client: Redis; breaker: CircuitBreaker };
}
// One set per process, also across Next.js module instances (route bundles each import this module, and
// instrumentation has its own copy): connections and breaker listeners live on globalThis.
const globalForRedis = globalThis as unknown as { cohortRedis?: Connections; cohortBreakerListeners?: Set<Listener> };
const connections = (): Connections => (globalForRedis.cohortRedis ??= {});
const listeners = (): Set<Listener> => (globalForRedis.cohortBreakerListeners ??= new Set());

/** True when one standalone server holds both the cache and the sessions. */
export function sharedServer(): boolean {
  const { REDIS_CLUSTER_NODES, SESSION_REDIS_URL, REDIS_URL } = env();
  return REDIS_CLUSTER_NODES.length === 0 && SESSION_REDIS_URL === REDIS_URL;
}

function cache() {
  const { REDIS_CLUSTER_NODES, REDIS_URL } = env();
  return (connections().cache ??=
    REDIS_CLUSTER_NODES.length > 0 ? connectCluster(REDIS_CLUSTER_NODES, "cohort-cache") : connectStandalone(REDIS_URL, "cohort-cache"));
}

function sessions() {
  const all = connections();
  if (sharedServer()) return cache() as { client: Redis; breaker: CircuitBreaker };
  return (all.sessions ??= connectStandalone(env().SESSION_REDIS_URL, "cohort-sessions"));
}

/** The cache and event index (evictable): a standalone server or, with REDIS_CLUSTER_NODES, a cluster. */
export function cacheRedis(): RedisClient {
  return cache().client;
}

/** The session store (never evicted; may be the same server as the cache, never a cluster). */
export function sessionRedis(): Redis {
  return sessions().client;
}

/**
 * The reminder broker's connection: the session store's server (durable, never evicted), but a connection
 * and a breaker of its own. Background work (the worker's loops, its scripts and pipelines, commands queued
 * while a fresh process connects) must never count against the breaker that guards sign-ins and session
 * checks, nor queue behind or ahead of them on one socket: a slow or timed-out reminder command opens only
 * this breaker, and sign-ins go on.
 */
export function reminderRedis(): Redis {
  return (connections().reminders ??= connectStandalone(env().SESSION_REDIS_URL, "cohort-reminders")).client;
}

/**
 * Publishes on the cache's live channels even while the cache's breaker is open, without waiting for an
 * answer and never into an offline queue: sent on the connection if it is up (a frozen server runs it when
 * it resumes), dropped if it is not. For the one message that must not wait for the breaker to close.
 */
export function publishPastBreaker(channel: string, message: string): void {
  const client = cacheRedis();
  if (client.status !== "ready") return;
  const command = new Command("publish", [channel, message]);
  unguarded.add(command);
  command.promise.catch(() => {});
  client.sendCommand(command);
}

/** A new connection to the cache for SUBSCRIBE (a subscribed connection can run nothing else). */
export function createSubscriber(name: string): RedisClient {
  const { REDIS_CLUSTER_NODES, REDIS_URL } = env();
  const client =
    REDIS_CLUSTER_NODES.length > 0
      ? connectCluster(REDIS_CLUSTER_NODES, name).client
      : new Redis(REDIS_URL, {
          connectionName: name,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
          ...(env().REDIS_CA_FILE && REDIS_URL.startsWith("rediss://") ? { tls: redisTls(true) } : {}),
        });
  client.on("error", () => {});
  return client;
}

/** The cache's masters: one client for a standalone server, every master of a cluster (for SCAN). */
export async function cacheMasters(): Promise<Redis[]> {
  return dataNodes(cacheRedis());
}

/**
 * The servers that hold data: the client itself, or every master of a Redis Cluster, once the cluster
 * client knows them (a fresh client lists no nodes until its first slot map has loaded).
 */
export async function dataNodes(client: Redis | Cluster, timeoutMs = 5_000): Promise<Redis[]> {
  if (!(client instanceof Cluster)) return [client];
  if (client.status !== "ready") {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off("ready", ready);
        reject(new Error(`the Redis Cluster was not ready within ${timeoutMs} ms (${client.status})`));
      }, timeoutMs);
      const ready = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once("ready", ready);
    });
  }
  return client.nodes("master");
}

/** Every key matching a pattern, from every master (SCAN, never KEYS). */
export async function scanCache(pattern: string): Promise<string[]> {
  const found: string[] = [];
  for (const node of await cacheMasters()) {
    let cursor = "0";
    do {
      const [next, batch] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      found.push(...batch);
      cursor = next;
    } while (cursor !== "0");
  }
  return found;
}

/** The breakers' state and counts (health, metrics and the reliability report read these). */
export function redisBreakers(): { cache?: BreakerStats; sessions?: BreakerStats; reminders?: BreakerStats } {
  const { cache: c, sessions: s, reminders: r } = connections();
  return { cache: c?.breaker.stats(), sessions: (sharedServer() ? c : s)?.breaker.stats(), reminders: r?.breaker.stats() };
}

/** Tells `listener` whenever a breaker opens or closes ("cohort-cache" | "cohort-sessions"). */
export function onBreakerChange(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

export async function closeRedis(): Promise<void> {
  const { cache: c, sessions: s, reminders: r } = connections();
  globalForRedis.cohortRedis = undefined;
  await Promise.all(
    [c, s, r].map(async (entry) => {
      if (!entry) return;
      entry.breaker.dispose();
      await entry.client.quit().catch(() => entry.client.disconnect());
    }),
  );
}
