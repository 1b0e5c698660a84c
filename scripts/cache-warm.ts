// npm run cache:warm [-- --org=<id>… --concurrency=N --days-back=N --days-ahead=N]
import { warmCache } from "@/lib/ops/warm-up";
import { closeConnections } from "./lib/ops-close";
import { parseOpsArgs, runCommand } from "./lib/ops-args";

const USAGE = "usage: npm run cache:warm -- [--org=<id>]… [--concurrency=N] [--days-back=N] [--days-ahead=N]";
const say = (line: string) => console.log(`[cache:warm] ${line}`);

await runCommand(
  "cache:warm",
  async () => {
    const args = parseOpsArgs(process.argv.slice(2), USAGE);
    if (args.help) return (console.log(USAGE), 0);
    say(`warming ${args.orgIds ? `${args.orgIds.length} organisation(s)` : "every organisation"}…`);
    const report = await warmCache({ ...args, onProgress: say });
    for (const failure of report.failed) say(`${failure.orgId}: failed: ${failure.reason}`);
    say(
      `done: ${report.organisations} organisations, ${report.filled} units filled, ${report.alreadyWarm} already warm, ` +
        `${report.notFilled} left cold, ${report.failed.length} failed (${report.seconds.toFixed(1)} s)`,
    );
    return report.failed.length ? 1 : 0;
  },
  closeConnections,
);
