import "server-only";
import { db } from "@/lib/db/client";

/** Every organisation's id, oldest first (stable order: progress lines can be compared between runs). */
export async function organisationIds(): Promise<string[]> {
  const rows = await db().$sql<{ id: string }[]>`SELECT id FROM organizations ORDER BY created_at, id`;
  return rows.map((r) => r.id);
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function forEachBounded<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** A progress printer that speaks at most every `intervalMs` (and always for the last line). */
export function progressEvery(intervalMs: number, print?: (line: string) => void) {
  let last = 0;
  return (line: string, final = false) => {
    if (!print) return;
    const now = Date.now();
    if (final || now - last >= intervalMs) {
      last = now;
      print(line);
    }
  };
}
