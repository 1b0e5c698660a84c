/**
 * The load loops' HTTP/1.1 client: one keep-alive socket per worker, the request's bytes built once per
 * target, the response framed by hand (Content-Length or chunked) and every body byte read and counted,
 * never copied or decoded. node:http cost the client up to 2.4 ms of CPU per organisation-day response on
 * the same two cores as the server (an IncomingMessage stream, a 'data' event and an allocation per
 * chunk), more than the server spent producing it; what the client burns is taken from the server.
 * Latency is from writing the request to the response's last byte, as in ./http.
 */
import net from "node:net";
import { hostOf, type Target } from "./http";

export interface WireReply {
  status: number;
  ms: number;
  bytes: number;
}

const CRLF = 0x0d0a;
const HEAD_END = Buffer.from("\r\n\r\n");
const MAX_HEAD = 64 * 1024;

/** The request's bytes (GET-style: load loops send no body). */
export function requestBytes(target: Target): Buffer {
  if (target.body !== undefined) throw new Error("wire: the load client sends no request bodies");
  const headers: Record<string, string> = { host: hostOf(target.port), connection: "keep-alive", ...target.headers };
  let head = `${target.method ?? "GET"} ${target.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`wire: header ${name} holds a line break`);
    head += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${head}\r\n`, "latin1");
}

type Framing =
  | { kind: "head" }
  | { kind: "length"; left: number }
  | { kind: "chunk-size"; line: string }
  | { kind: "chunk-data"; left: number }
  | { kind: "chunk-crlf"; seen: number }
  | { kind: "trailer"; line: string };

interface Pending {
  started: bigint;
  resolve: (reply: WireReply) => void;
  reject: (error: Error) => void;
}

/** One keep-alive connection; requests on it go one at a time. */
export class WireConnection {
  private socket: net.Socket | undefined;
  private head: Buffer[] = [];
  private headBytes = 0;
  private framing: Framing = { kind: "head" };
  private status = 0;
  private bytes = 0;
  private closeAfter = false;
  private pending: Pending | undefined;

  constructor(private readonly port: number) {}

  /**
   * One request. A socket the server closed while idle fails before any answer: that attempt is repeated
   * once on a fresh socket (as ./http's `send`), and only the second attempt is timed.
   */
  async send(request: Buffer): Promise<WireReply> {
    const fresh = !this.socket;
    try {
      return await this.attempt(request);
    } catch (error) {
      if (fresh || (error as { answered?: boolean }).answered) throw error;
      return this.attempt(request);
    }
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private attempt(request: Buffer): Promise<WireReply> {
    return new Promise((resolve, reject) => {
      const socket = this.socket ?? this.connect();
      this.reset();
      this.pending = { started: process.hrtime.bigint(), resolve, reject };
      socket.write(request);
    });
  }

  private connect(): net.Socket {
    const socket = net.connect({ host: "127.0.0.1", port: this.port, noDelay: true });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      // A socket already replaced (closed after a `Connection: close` answer) has nothing outstanding.
      if (this.socket !== socket) return;
      this.socket = undefined;
      const pending = this.pending;
      this.pending = undefined;
      if (pending) pending.reject(Object.assign(error, { answered: this.framing.kind !== "head" || this.headBytes > 0 }));
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("socket hang up")));
    socket.setTimeout(60_000, () => socket.destroy(new Error("timeout")));
    this.socket = socket;
    return socket;
  }

  private reset(): void {
    this.head = [];
    this.headBytes = 0;
    this.framing = { kind: "head" };
    this.status = 0;
    this.bytes = 0;
    this.closeAfter = false;
  }

  private onData(chunk: Buffer): void {
    if (!this.pending) {
      this.socket?.destroy(new Error("wire: bytes arrived with no request outstanding"));
      return;
    }
    try {
      let at = 0;
      while (at < chunk.length && this.pending) at = this.consume(chunk, at);
    } catch (error) {
      this.socket?.destroy(error as Error);
    }
  }

  /** Consumes bytes from `at` under the current framing state; returns where it stopped. */
  private consume(chunk: Buffer, at: number): number {
    const f = this.framing;
    switch (f.kind) {
      case "head": {
        this.head.push(at === 0 ? chunk : chunk.subarray(at));
        this.headBytes += chunk.length - at;
        const joined = this.head.length === 1 ? this.head[0]! : Buffer.concat(this.head);
        const end = joined.indexOf(HEAD_END);
        if (end < 0) {
          if (this.headBytes > MAX_HEAD) throw new Error("wire: response head over 64 KB");
          this.head = [joined];
          return chunk.length;
        }
        this.startBody(joined.toString("latin1", 0, end));
        const consumedHere = end + 4 - (this.headBytes - (chunk.length - at));
        return at + consumedHere;
      }
      case "length": {
        const take = Math.min(f.left, chunk.length - at);
        this.bytes += take;
        f.left -= take;
        if (f.left === 0) this.finish();
        return at + take;
      }
      case "chunk-size":
      case "trailer": {
        const nl = chunk.indexOf(0x0a, at);
        const until = nl < 0 ? chunk.length : nl + 1;
        f.line += chunk.toString("latin1", at, until);
        if (f.line.length > 4096) throw new Error("wire: chunk line too long");
        if (nl < 0) return until;
        const line = f.line.replace(/\r?\n$/, "");
        if (f.kind === "trailer") {
          if (line === "") this.finish();
          else this.framing = { kind: "trailer", line: "" };
          return until;
        }
        const size = parseInt(line.split(";")[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`wire: bad chunk size line ${JSON.stringify(line)}`);
        this.framing = size === 0 ? { kind: "trailer", line: "" } : { kind: "chunk-data", left: size };
        return until;
      }
      case "chunk-data": {
        const take = Math.min(f.left, chunk.length - at);
        this.bytes += take;
        f.left -= take;
        if (f.left === 0) this.framing = { kind: "chunk-crlf", seen: 0 };
        return at + take;
      }
      case "chunk-crlf": {
        const want = f.seen === 0 ? CRLF >> 8 : CRLF & 0xff;
        if (chunk[at] !== want) throw new Error("wire: chunk not followed by CRLF");
        f.seen += 1;
        if (f.seen === 2) this.framing = { kind: "chunk-size", line: "" };
        return at + 1;
      }
    }
  }

  private startBody(head: string): void {
    const lines = head.split("\r\n");
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
    if (!match) throw new Error(`wire: bad status line ${JSON.stringify(lines[0])}`);
    this.status = Number(match[1]);
    let length: number | undefined;
    let chunked = false;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim().toLowerCase();
      if (name === "content-length") length = Number(value);
      else if (name === "transfer-encoding") chunked = value.split(",").map((v) => v.trim()).includes("chunked");
      else if (name === "connection") this.closeAfter = value === "close";
    }
    if (this.status === 204 || this.status === 304 || (!chunked && length === 0)) this.framing = { kind: "length", left: 0 };
    else if (chunked) this.framing = { kind: "chunk-size", line: "" };
    else if (length !== undefined && Number.isInteger(length) && length >= 0) this.framing = { kind: "length", left: length };
    else throw new Error("wire: response with neither Content-Length nor chunked encoding");
    if (this.framing.kind === "length" && this.framing.left === 0) this.finish();
  }

  private finish(): void {
    const pending = this.pending!;
    this.pending = undefined;
    const ms = Number(process.hrtime.bigint() - pending.started) / 1e6;
    if (this.closeAfter) this.close();
    pending.resolve({ status: this.status, ms, bytes: this.bytes });
  }
}
