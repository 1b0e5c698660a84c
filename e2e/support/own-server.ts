import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "@/lib/testing/throwaway-redis";

/**
 * A second production server (the same build) with an environment of the test's own, for what the shared
 * e2e server cannot show: a session store that goes away, https cookies, seconds-long timeouts, start-up
 * warnings. `stop()` ends only this process.
 */
export interface OwnServer {
  url: string;
  port: number;
  output: () => string;
  stop(): Promise<void>;
}

export async function startOwnServer(env: Record<string, string>): Promise<OwnServer> {
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(path.join(process.cwd(), "node_modules", ".bin", "next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
    // The test runner resolves `server-only` with the react-server condition; the server must not inherit it.
    env: { ...process.env, NODE_OPTIONS: "", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += String(d)));
  child.stderr!.on("data", (d) => (output += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`own server exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`own server did not start:\n${output}`);
    const live = await fetch(`${url}/api/health/live`).catch(() => null);
    if (live?.ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** A minimal cookie-keeping client over fetch: sees every Set-Cookie attribute, sends cookies whatever their Secure flag. */
export class CookieClient {
  readonly setCookies: string[] = [];
  private readonly jar = new Map<string, string>();

  constructor(private readonly base: string, private readonly defaults: Record<string, string> = {}) {}

  async request(pathname: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.defaults, ...init.headers };
    if (this.jar.size) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(`${this.base}${pathname}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      this.setCookies.push(cookie);
      const [pair] = cookie.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value) this.jar.set(name, value);
      else this.jar.delete(name);
    }
    return response;
  }

  async login(email: string, password: string): Promise<Response> {
    const { csrfToken } = (await (await this.request("/api/auth/csrf")).json()) as { csrfToken: string };
    return this.request("/api/auth/callback/credentials", { form: { csrfToken, email, password, json: "true" } });
  }

  feed(): Promise<Response> {
    return this.request("/api/events?start=2026-01-05T00:00:00Z&end=2026-01-06T00:00:00Z");
  }
}
