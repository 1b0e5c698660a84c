import "server-only";
import net from "node:net";
import type postgres from "postgres";

/**
 * The driver writes a pipeline (lib/db/pipeline) in pieces: it sends its buffer whenever it passes 1 KB,
 * and the rest on the next `setImmediate`. Each piece is a syscall, and on loopback the sender also pays
 * for the receiver's TCP work: a 2.4 KB create went out as three writes, which cost more CPU than
 * building the statements. These sockets hold back a large piece (`cork`) until the driver's own
 * deferred flush of the same turn has been added, then send them together as one `writev`.
 *
 * Small writes are the driver's deferred flushes, the last piece of a turn: alone, they go out at once,
 * so a lone statement is sent no later than before. TLS is unaffected (it writes below this object).
 */
const LARGE = 1024;

/** What the driver passes its `socket` option (its parsed options; `path` for a Unix socket). */
type Connect = (options: Pick<postgres.ParsedOptions, "host" | "port"> & { path?: string }) => net.Socket;

let next = 0;

/** The driver's `socket` option: a connecting socket (the driver's first writes wait in it until connected). */
export const coalescingSocket: Connect = (options) => {
  const socket = new net.Socket();
  if (options.path) socket.connect(options.path);
  else {
    // The driver's own rotation over several hosts, one connection attempt after another.
    const index = next++ % options.host.length;
    const host = options.host[index]!;
    const port = options.port[index] ?? options.port[0]!;
    // The driver names the server in its errors (and TLS's servername) from these.
    Object.assign(socket.connect(port, host), { host, port });
  }
  // After connect(), which resets `write` to the prototype's.
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  socket.write = ((chunk: Uint8Array | string, ...rest: unknown[]) => {
    if (!corked && typeof chunk !== "string" && chunk.length >= LARGE) {
      corked = true;
      socket.cork();
      // After this turn's microtasks (the rest of the pipeline reaches the driver there), so the driver's
      // deferred flush, queued during them, runs first: both leave in this uncork.
      process.nextTick(() =>
        setImmediate(() => {
          corked = false;
          socket.uncork();
        }),
      );
    }
    return write(chunk, ...rest);
  }) as typeof socket.write;
  return socket;
};
