import { json } from "@/lib/http/respond";

export const dynamic = "force-dynamic";

export function GET() {
  return json({ status: "live" });
}
