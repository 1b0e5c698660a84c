import { env } from "@/lib/env";

type HeaderSource = Pick<Headers, "get"> | Record<string, string | string[] | undefined>;

function header(source: HeaderSource, name: string): string | undefined {
  if (typeof (source as Headers).get === "function") return (source as Headers).get(name) ?? undefined;
  const value = (source as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * The client's address as the nearest trusted proxy saw it. Route handlers get no socket address in the
 * App Router; Next fills X-Forwarded-For with it when the request has none, and each proxy in front
 * appends the address it received from. With TRUSTED_PROXY_HOPS proxies (default 1: a load balancer, or
 * Next itself when reached directly), the client is that many entries from the end; entries further left
 * were written by the client and are not trusted. Reached directly without a proxy, a client can choose
 * the value: production runs behind a load balancer (DESIGN.md, Scale-out).
 */
export function clientIp(source: Request | HeaderSource): string {
  const headers = source instanceof Request ? source.headers : source;
  const forwarded = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const hops = env().TRUSTED_PROXY_HOPS;
  const chosen = forwarded[Math.max(0, forwarded.length - hops)] ?? header(headers, "x-real-ip") ?? "unknown";
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) names the same client as its IPv4 form.
  return chosen.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "").slice(0, 64);
}
