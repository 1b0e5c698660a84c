// npm run cache:repair [-- --org=<id>… --concurrency=N --no-warm]: check, fix, check again.
import { checkIndex, describeDifferences, isClean } from "@/lib/ops/check-index";
import { repairIndex } from "@/lib/ops/repair-index";
import { closeConnections } from "./lib/ops-close";
import { parseOpsArgs, runCommand } from "./lib/ops-args";

const USAGE = "usage: npm run cache:repair -- [--org=<id>]… [--concurrency=N] [--no-warm]";
const say = (line: string) => console.log(`[cache:repair] ${line}`);

await runCommand(
  "cache:repair",
  async () => {
    const args = parseOpsArgs(process.argv.slice(2), USAGE);
    if (args.help) return (console.log(USAGE), 0);
    const found = await checkIndex({ orgIds: args.orgIds, concurrency: args.concurrency, onProgress: say });
    if (isClean(found)) {
      say(`nothing to repair (${found.organisations} organisations)`);
      return 0;
    }
    for (const line of describeDifferences(found)) say(line);
    const repaired = await repairIndex(found, { warm: args.warm, onProgress: say });
    say(`${repaired.recordsRewritten} record(s) rewritten, ${repaired.setsDropped} set(s) dropped, ${repaired.orphanKeysDeleted} orphan key(s) deleted`);
    if (!isClean(repaired.after)) {
      for (const line of describeDifferences(repaired.after)) say(`still: ${line}`);
      return 1;
    }
    say("the index matches Postgres again");
    return 0;
  },
  closeConnections,
);
