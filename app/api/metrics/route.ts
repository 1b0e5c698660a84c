import { timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { handle, json } from "@/lib/http/respond";
import { metricsText } from "@/lib/metrics/collectors";

export const dynamic = "force-dynamic";

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Prometheus text format for a scraper holding `Authorization: Bearer $METRICS_TOKEN`. Without a token
 * configured the endpoint does not exist (404): metrics name routes and volumes, not for the public.
 */
export const GET = handle(async (request) => {
  const token = env().METRICS_TOKEN;
  if (!token) return json({ error: { code: "not_found", message: "Metrics are off (set METRICS_TOKEN)" } }, { status: 404 });
  const given = /^Bearer (.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  if (!sameSecret(given, token)) {
    return json(
      { error: { code: "unauthorized", message: "A bearer token is required" } },
      { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="metrics"' } },
    );
  }
  const { body, contentType } = await metricsText();
  return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
});
