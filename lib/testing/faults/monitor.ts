import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import Redis from "ioredis";

const sha = (file: string) =>
  createHash("sha1").update(readFileSync(path.join(process.cwd(), "lib", "redis", "scripts", file), "utf8")).digest("hex");

/**
 * Watches what the app asks a Redis server (MONITOR): index rebuilds ("fills": set and unit of each
 * hydrate-unit call; not its template-only calls, which rebuild no unit) and window reads (the keys of
 * each read-window call).
 */
export async function watchIndex(url: string) {
  const hydrateUnit = sha("hydrate-unit.lua");
  const readWindow = sha("read-window.lua");
  const fills: string[] = [];
  const reads: string[][] = [];
  const origin = new Redis(url, { lazyConnect: true });
  const monitor = await origin.monitor();
  origin.disconnect();
  monitor.on("error", () => {});
  monitor.on("monitor", (_time: string, args: string[]) => {
    const [command, script] = [String(args[0]).toLowerCase(), String(args[1])];
    // evalsha sha numkeys set …keys watermark sentinel …: the sentinel ("~<unit>", or '') names the unit.
    const sentinel = String(args[3 + Number(args[2]) + 1] ?? "");
    if (command === "evalsha" && script === hydrateUnit && sentinel) fills.push(`${args[3]} ${sentinel}`);
    if (command === "evalsha" && script === readWindow) reads.push(args.map(String));
  });
  return {
    fills,
    reads,
    /** Fills per set and unit. */
    perKey(): Map<string, number> {
      const counts = new Map<string, number>();
      for (const fill of fills) counts.set(fill, (counts.get(fill) ?? 0) + 1);
      return counts;
    },
    stop: () => monitor.disconnect(),
  };
}
