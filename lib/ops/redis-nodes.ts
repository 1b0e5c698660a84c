import "server-only";
import type { Cluster, Redis } from "ioredis";
import { dataNodes } from "@/lib/redis/client";

type AnyRedis = Redis | Cluster;

/**
 * Every key matching `pattern`, found with SCAN (never KEYS: it blocks the server), on every master of a
 * cluster. `onBatch` sees the keys as they come, so callers can work through millions of keys in bounded
 * memory; the promise resolves to how many were seen.
 */
export async function scanKeys(
  client: AnyRedis,
  pattern: string,
  onBatch: (keys: string[]) => Promise<void> | void,
  count = 1000,
): Promise<number> {
  let seen = 0;
  for (const node of await dataNodes(client)) {
    let cursor = "0";
    do {
      const [next, batch] = await node.scan(cursor, "MATCH", pattern, "COUNT", count);
      cursor = next;
      if (batch.length) {
        seen += batch.length;
        await onBatch(batch);
      }
    } while (cursor !== "0");
  }
  return seen;
}

/** `INFO <section>` as name → value, summed over every master for numeric fields. */
export async function redisInfo(client: AnyRedis, section: string): Promise<Record<string, string>> {
  const merged: Record<string, string> = {};
  for (const node of await dataNodes(client)) {
    const text = await node.info(section);
    for (const line of text.split("\r\n")) {
      const at = line.indexOf(":");
      if (at <= 0 || line.startsWith("#")) continue;
      const name = line.slice(0, at);
      const value = line.slice(at + 1);
      const previous = merged[name];
      merged[name] =
        previous !== undefined && /^-?\d+$/.test(previous) && /^-?\d+$/.test(value) ? String(Number(previous) + Number(value)) : value;
    }
  }
  return merged;
}
