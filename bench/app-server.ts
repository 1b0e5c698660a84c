/** The production build under `next start`, one process per instance, started and stopped by pid. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { isPortFree, ROOT } from "../scripts/lib/util.mjs";
import { waitForHttp } from "./http";

export interface AppServerOptions {
  name: string;
  port: number;
  env: Record<string, string>;
  logDir: string;
}

/** Variables passed through from the bench's own environment; everything else is set explicitly. */
const INHERITED = ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TMPDIR", "TZ", "NODE_EXTRA_CA_CERTS"];

export class AppServer {
  private child: ChildProcess | undefined;
  readonly logFile: string;

  constructor(private readonly options: AppServerOptions) {
    this.logFile = path.join(options.logDir, `server-${options.name}.log`);
  }

  get port(): number {
    return this.options.port;
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<number> {
    const { port, env, name } = this.options;
    if (!(await isPortFree(port))) throw new Error(`port ${port} (the bench's "${name}" app server) is in use: set BENCH_PORT to a free range of three ports`);
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    const log = fs.openSync(this.logFile, "a");
    const base = Object.fromEntries(INHERITED.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
    const started = Date.now();
    const child = spawn(path.join(ROOT, "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
      cwd: ROOT,
      env: { ...base, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), ...env },
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    this.child = child;
    let exited = false;
    child.once("exit", () => (exited = true));
    try {
      await waitForHttp(port, "/api/health/live", 60_000, () => !exited);
    } catch (error) {
      const tail = fs.readFileSync(this.logFile, "utf8").split("\n").slice(-25).join("\n");
      await this.stop();
      throw new Error(`${(error as Error).message}\n--- ${this.logFile} (last lines) ---\n${tail}`);
    }
    return Date.now() - started;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await gone;
    clearTimeout(timer);
  }
}
