import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { RedisClient } from "./client";

/** The Lua scripts beside this module, registered as commands (EVALSHA with EVAL fallback). */
const SCRIPTS = {
  applyEvent: "apply-event.lua",
  readWindow: "read-window.lua",
  hydrateUnit: "hydrate-unit.lua",
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptCommand = (numKeys: number, ...args: (string | number)[]) => Promise<unknown>;
export type ScriptedRedis = RedisClient & Record<ScriptName, ScriptCommand> & Record<`${ScriptName}Buffer`, ScriptCommand>;

const registered = new WeakSet<RedisClient>();

export function withScripts(redis: RedisClient): ScriptedRedis {
  if (!registered.has(redis)) {
    for (const [name, file] of Object.entries(SCRIPTS)) {
      const lua = readFileSync(path.join(process.cwd(), "lib", "redis", "scripts", file), "utf8");
      redis.defineCommand(name, { lua });
    }
    registered.add(redis);
  }
  return redis as ScriptedRedis;
}
