// npm run cache:check [-- --org=<id>… --concurrency=N]: exit 0 when Redis matches Postgres, 1 when not.
import { checkIndex, describeDifferences, isClean } from "@/lib/ops/check-index";
import { closeConnections } from "./lib/ops-close";
import { parseOpsArgs, runCommand } from "./lib/ops-args";

const USAGE = "usage: npm run cache:check -- [--org=<id>]… [--concurrency=N]";
const say = (line: string) => console.log(`[cache:check] ${line}`);

await runCommand(
  "cache:check",
  async () => {
    const args = parseOpsArgs(process.argv.slice(2), USAGE);
    if (args.help) return (console.log(USAGE), 0);
    const report = await checkIndex({ orgIds: args.orgIds, concurrency: args.concurrency, onProgress: say });
    for (const line of describeDifferences(report)) say(line);
    if (isClean(report)) {
      say(`the index matches Postgres (${report.organisations} organisations, ${report.seconds.toFixed(1)} s)`);
      return 0;
    }
    say(`${report.differences.length} organisation(s) differ; \`npm run cache:repair\` fixes them`);
    return 1;
  },
  closeConnections,
);
