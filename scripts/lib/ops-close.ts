import { closeDb } from "@/lib/db/client";
import { closeRedis } from "@/lib/redis/client";

export async function closeConnections(): Promise<void> {
  await Promise.allSettled([closeDb(), closeRedis()]);
}
