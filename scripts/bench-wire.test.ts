import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestBytes, WireConnection } from "../bench/wire";

/** The benchmark's load client against node:http answering with each framing it may meet. */
let server: http.Server;
let port: number;
const big = Buffer.alloc(300_000, "x");

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/length") {
      res.setHeader("content-length", String(big.length));
      res.end(big);
    } else if (req.url === "/chunked") {
      // Several chunks of odd sizes, so chunk boundaries fall anywhere in the socket's reads.
      for (let at = 0; at < big.length; at += 65_537) res.write(big.subarray(at, Math.min(big.length, at + 65_537)));
      res.end();
    } else if (req.url === "/empty") {
      res.statusCode = 204;
      res.end();
    } else if (req.url === "/close") {
      res.setHeader("connection", "close");
      res.end("bye");
    } else {
      res.statusCode = 404;
      res.end("no");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("bench load client", () => {
  it("reads every body byte under both framings, one keep-alive socket for many requests", async () => {
    const connection = new WireConnection(port);
    let sockets = 0;
    server.on("connection", () => (sockets += 1));
    for (let i = 0; i < 3; i += 1) {
      for (const path of ["/length", "/chunked"]) {
        const reply = await connection.send(requestBytes({ port, path }));
        expect(reply).toMatchObject({ status: 200, bytes: big.length });
      }
    }
    expect(await connection.send(requestBytes({ port, path: "/empty" }))).toMatchObject({ status: 204, bytes: 0 });
    expect(await connection.send(requestBytes({ port, path: "/missing" }))).toMatchObject({ status: 404, bytes: 2 });
    expect(sockets).toBe(1);
    connection.close();
  });

  it("opens a new socket after the server closed one", async () => {
    const connection = new WireConnection(port);
    expect(await connection.send(requestBytes({ port, path: "/close" }))).toMatchObject({ status: 200, bytes: 3 });
    expect(await connection.send(requestBytes({ port, path: "/length" }))).toMatchObject({ status: 200, bytes: big.length });
    connection.close();
  });
});
