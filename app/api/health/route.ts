import { checkHealth } from "@/lib/health/check-health";
import { handle, json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** DESIGN.md's contract, exactly: `{status, postgres, redis, sessions}`. Details: /api/health/ready. */
export const GET = handle(async () => {
  const { status, postgres, redis, sessions } = await checkHealth();
  return json({ status, postgres, redis, sessions }, { status: status === "down" ? 503 : 200 });
});
