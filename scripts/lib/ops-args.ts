/**
 * Options shared by the operations commands: `--org=<id>` (repeatable; default every organisation),
 * `--concurrency=N`, `--days-back=N`, `--days-ahead=N`, `--no-warm`, `--help`.
 */
export interface OpsArgs {
  orgIds?: string[];
  concurrency?: number;
  daysBack?: number;
  daysAhead?: number;
  warm: boolean;
  help: boolean;
}

export function parseOpsArgs(argv: string[], usage: string): OpsArgs {
  const args: OpsArgs = { warm: true, help: false };
  const number = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${value}\n${usage}`);
    return n;
  };
  for (const arg of argv) {
    const [name, value = ""] = arg.split(/=(.*)/s, 2) as [string, string?];
    if (name === "--org") args.orgIds = [...(args.orgIds ?? []), ...value.split(",").filter(Boolean)];
    else if (name === "--concurrency") args.concurrency = Math.max(1, number(name, value));
    else if (name === "--days-back") args.daysBack = number(name, value);
    else if (name === "--days-ahead") args.daysAhead = Math.max(1, number(name, value));
    else if (name === "--no-warm") args.warm = false;
    else if (name === "--help" || name === "-h") args.help = true;
    else throw new Error(`unknown option ${arg}\n${usage}`);
  }
  return args;
}

/** Runs a command's main, closing the pools afterwards and turning failures into a message and exit 1. */
export async function runCommand(name: string, main: () => Promise<number>, close: () => Promise<void>): Promise<void> {
  try {
    process.exitCode = await main();
  } catch (error) {
    console.error(`[${name}] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await close();
  }
}
