import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A redis-server of a test's own (free port, temporary directory, not daemonised), for tests that stop,
 * restart or misconfigure Redis without touching the suite's shared server. The port stays the same across
 * restarts; `stop()` ends only this process.
 */
export interface ThrowawayRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function redisBinary(): string {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim();
  if (!found) throw new Error("redis-server is not installed (npm test installs it: run it once)");
  return found;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(300, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => done(String(d).startsWith("+PONG")));
  });
}

export async function startThrowawayRedis(args: string[] = ["--appendonly", "yes"]): Promise<ThrowawayRedis> {
  // Cluster-compatible ports only (bus port = port + 10000).
  let port = await freePort();
  while (port > 55535) port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cohort-redis-"));
  let child: ChildProcess | null = null;

  const start = async () => {
    child = spawn(redisBinary(), ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", ...args], {
      stdio: "ignore",
    });
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`throwaway redis-server on ${port} did not start`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (running.exitCode === null) running.kill("SIGKILL");
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async destroy() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
