import { checkHealth } from "@/lib/health/check-health";
import { handle, json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** Readiness (the same answer as /api/health): 200 while the app can serve, degraded included; 503 when not. */
export const GET = handle(async () => {
  const health = await checkHealth();
  return json(health, { status: health.status === "down" ? 503 : 200 });
});
