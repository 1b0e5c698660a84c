import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/** Liveness: 200 while the process serves requests, whatever its dependencies (restart only when this fails). */
export function GET() {
  return json({ status: "live", uptimeSeconds: Math.round(process.uptime()) });
}
