import "server-only";
import { env } from "@/lib/env";

/** `CACHE_MODE=off` serves every read from Postgres: the benchmarks' baseline and a kill switch. */
export const cacheEnabled = () => env().CACHE_MODE === "on";
