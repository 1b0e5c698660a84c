/**
 * The benchmark's HTTP client: plain `node:http` with keep-alive, one socket per concurrent worker, every
 * body read to its last byte. Latency is from writing the request to the response's last byte.
 */
import http from "node:http";

export interface Target {
  port: number;
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Reply {
  status: number;
  ms: number;
  bytes: number;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

/** Host name the app's cookies and Origin checks expect (NEXTAUTH_URL is http://localhost:PORT). */
export const hostOf = (port: number) => `localhost:${port}`;

/**
 * One request. A keep-alive socket the server closed while idle (Node's keepAliveTimeout) fails before
 * any answer: that attempt is repeated once on a fresh socket, and only the second attempt is timed.
 */
export async function send(target: Target, keepBody = true): Promise<Reply> {
  try {
    return await attempt(target, keepBody);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ECONNRESET" && code !== "EPIPE" && !/socket hang up/.test((error as Error).message)) throw error;
    return attempt(target, keepBody);
  }
}

function attempt(target: Target, keepBody: boolean): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const body = target.body === undefined ? undefined : Buffer.isBuffer(target.body) ? target.body : Buffer.from(target.body);
    const req = http.request(
      {
        host: "127.0.0.1",
        port: target.port,
        method: target.method ?? "GET",
        path: target.path,
        agent,
        headers: {
          host: hostOf(target.port),
          ...(body ? { "content-length": String(body.length) } : {}),
          ...target.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (keepBody) chunks.push(chunk);
        });
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          resolve({ status: res.statusCode ?? 0, ms, bytes, body: keepBody ? Buffer.concat(chunks) : Buffer.alloc(0), headers: res.headers });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`timeout: ${target.method ?? "GET"} ${target.path}`)));
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

/** Cookie header value from Set-Cookie headers (name=value pairs only). */
function cookiesFrom(headers: http.IncomingHttpHeaders): string[] {
  return (headers["set-cookie"] ?? []).map((c) => c.split(";")[0]!).filter(Boolean);
}

export interface Session {
  email: string;
  cookie: string;
  /** The session token alone (for a browser context). */
  token: string;
}

/**
 * Signs in through next-auth's credentials endpoint, as the login form does; returns the cookie. A 503
 * (a store briefly unavailable, e.g. a Redis circuit opened on a busy machine) is retried for 30 s.
 */
export async function login(port: number, email: string, password: string): Promise<Session> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await loginOnce(port, email, password);
    } catch (error) {
      if (!(error instanceof Unavailable) || attempt >= 30) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

class Unavailable extends Error {}

async function loginOnce(port: number, email: string, password: string): Promise<Session> {
  const origin = `http://${hostOf(port)}`;
  const csrf = await send({ port, path: "/api/auth/csrf" });
  if (csrf.status === 503) throw new Unavailable(`GET /api/auth/csrf answered 503`);
  if (csrf.status !== 200) throw new Error(`GET /api/auth/csrf answered ${csrf.status}`);
  const { csrfToken } = JSON.parse(csrf.body.toString()) as { csrfToken: string };
  const jar = cookiesFrom(csrf.headers);
  const form = new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: origin });
  const reply = await send({
    port,
    method: "POST",
    path: "/api/auth/callback/credentials",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; "), origin, referer: `${origin}/login` },
    body: form.toString(),
  });
  const all = [...jar, ...cookiesFrom(reply.headers)];
  const token = all.find((c) => /^(__Secure-)?next-auth\.session-token=/.test(c));
  if (reply.status === 503 || /unavailable/i.test(reply.body.toString())) throw new Unavailable(`login of ${email}: ${reply.body.toString().slice(0, 200)}`);
  if (!token || reply.status >= 400) {
    throw new Error(`login of ${email} failed: ${reply.status} ${reply.body.toString().slice(0, 200)}`);
  }
  return { email, cookie: token, token: token.slice(token.indexOf("=") + 1) };
}

export async function waitForHttp(port: number, path: string, timeoutMs: number, alive?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const reply = await send({ port, path }, false);
      if (reply.status === 200) return;
    } catch {
      // not up yet
    }
    if (alive && !alive()) throw new Error(`the server on port ${port} exited`);
    if (Date.now() > deadline) throw new Error(`no answer from http://127.0.0.1:${port}${path} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
