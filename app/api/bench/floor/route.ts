import { guardWithoutReading } from "@/lib/audit/feed-audit";
import { env } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";
import { errorResponse, json, rawJson } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

/**
 * The benchmark's floor (`npm run bench`, BENCH_MODE=1 only; 404 otherwise): the very bytes of a feed
 * response, captured by the benchmark with PUT and answered by GET from process memory, with the same
 * headers and the same Response construction as the feed. What a request costs here is what the
 * framework costs; nothing is authenticated, read or parsed. With `guard=1` it first pays what every
 * feed read pays before its answer (the session check, its budget and the audit entry: one Redis round
 * trip), so that its cost is the least any authenticated, audited read can cost on this server.
 */
const MAX_BYTES = 16 * 1024 * 1024;
const MAX_KEYS = 32;
const KEY = /^[A-Za-z0-9_-]{1,64}$/;

const globalForFloor = globalThis as unknown as { cohortBenchFloor?: Map<string, Uint8Array<ArrayBuffer>> };
const store = () => (globalForFloor.cohortBenchFloor ??= new Map());

function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return json({ error: { code: "not_found", message: `No API route at ${pathname}` } }, { status: 404 });
}

function keyOf(request: Request): string | null {
  const key = new URL(request.url).searchParams.get("key") ?? "";
  return KEY.test(key) ? key : null;
}

export async function GET(request: Request): Promise<Response> {
  if (!env().BENCH_MODE) return notFound(request);
  const key = keyOf(request);
  const body = key ? store().get(key) : undefined;
  if (!body) return notFound(request);
  if (new URL(request.url).searchParams.get("guard") === "1") {
    try {
      await guardWithoutReading(request, clientIp(request));
    } catch (error) {
      return errorResponse(error);
    }
  }
  return rawJson(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

export async function PUT(request: Request): Promise<Response> {
  if (!env().BENCH_MODE) return notFound(request);
  const key = keyOf(request);
  if (!key) return json({ error: { code: "bad_request", message: "key must be 1-64 letters, digits, _ or -" } }, { status: 400 });
  const body = new Uint8Array(await request.arrayBuffer());
  if (body.byteLength > MAX_BYTES) {
    return json({ error: { code: "bad_request", message: `At most ${MAX_BYTES} bytes` } }, { status: 400 });
  }
  if (!store().has(key) && store().size >= MAX_KEYS) {
    return json({ error: { code: "bad_request", message: `At most ${MAX_KEYS} keys` } }, { status: 400 });
  }
  store().set(key, body);
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
}
