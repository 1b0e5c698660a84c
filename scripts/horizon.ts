// npm run horizon: moves every organisation's open-ended series to the rolling horizon now (the app also
// does this by itself every HORIZON_JOB_INTERVAL_MINUTES; the Redis lock keeps it to one runner).
import { runHorizonJob } from "@/lib/ops/horizon-job";
import { closeConnections } from "./lib/ops-close";
import { runCommand } from "./lib/ops-args";

const say = (line: string) => console.log(`[horizon] ${line}`);

await runCommand(
  "horizon",
  async () => {
    if (process.argv.length > 2) throw new Error("usage: npm run horizon (no options)");
    const report = await runHorizonJob({ onProgress: say });
    if (report.outcome === "skipped") return 0;
    say(`${report.outcome === "fenced" ? "stopped (a newer runner took over) after" : "done:"} ${report.extended} series extended`);
    return report.outcome === "ran" ? 0 : 1;
  },
  closeConnections,
);
