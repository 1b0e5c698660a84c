import { closeDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { seedClinicSetup } from "@/lib/seed/seed-clinic";
import { demoIsSeeded, seedDemo, topUpDemo } from "@/lib/seed/seed-demo";

const log = (line: string) => console.log(`[seed] ${line}`);

async function main() {
  if (!env().SEED_DEMO) {
    log("SEED_DEMO is not set and the database was not provisioned here: demo data left alone");
    return;
  }
  const now = new Date();
  if (await demoIsSeeded()) {
    const extended = await topUpDemo(now);
    if (extended > 0) log(`extended ${extended} demo series to the rolling horizon`);
    if ((await seedClinicSetup(now)) > 0) log("added clinicians, rooms, appointment types and a closure to the demo organisations");
    return;
  }
  const started = Date.now();
  log("seeding demo organisations (Sunrise Health, Lakeside Clinic)…");
  await seedDemo(now, log);
  await seedClinicSetup(now);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  await main();
} catch (error) {
  console.error("[seed] failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await closeDb();
}
