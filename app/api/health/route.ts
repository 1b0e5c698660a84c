import { checkHealth } from "@/lib/health/check-health";
import { handle, json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

export const GET = handle(async () => {
  const health = await checkHealth();
  return json(health, { status: health.status === "down" ? 503 : 200 });
});
