import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { baseEnv } from "@/scripts/testing/fault-env.mjs";

/**
 * A production server of the app (`next start` on the build) with an environment of its own: the fault
 * tests run one or more against the servers they start, and stop it by its pid.
 */
export interface AppServer {
  url: string;
  port: number;
  /** What it printed (stdout and stderr), for a failing test's message. */
  output: () => string;
  stop: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startApp(port: number, env: Record<string, string | undefined>, publicUrl?: string): Promise<AppServer> {
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(path.join(process.cwd(), "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: process.cwd(),
    env: {
      ...baseEnv,
      NODE_OPTIONS: "",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "warn",
      PORT: String(port),
      NEXTAUTH_URL: publicUrl ?? url,
      ...env,
    } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  for (let waited = 0; ; waited += 50) {
    if (child.exitCode !== null) throw new Error(`next start on ${port} exited (${child.exitCode}):\n${output}`);
    if (waited > 60_000) throw new Error(`next start on ${port} did not answer within 60 s:\n${output}`);
    const live = await fetch(`${url}/api/health/live`).then((r) => r.ok, () => false);
    if (live) break;
    await sleep(50);
  }
  return {
    url,
    port,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
