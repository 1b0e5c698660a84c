import { SMTPServer, type SMTPServerDataStream } from "smtp-server";

/**
 * A local SMTP server for tests: records every message it receives and answers as the test says: accept,
 * refuse for now (451) or for good (550), or take the whole message and never answer ("hang", a server
 * that dies inside the transaction). `holdNewTransactions` keeps MAIL FROM unanswered, so a worker can
 * be caught between two deliveries. Listens on the first free port from 2525 on.
 */
export type SinkBehaviour = "accept" | "tempfail" | "permfail" | "hang";

export interface ReceivedMail {
  to: string[];
  messageId: string;
  subject: string;
  raw: string;
  answered: SinkBehaviour;
}

export interface SmtpSink {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** How the next messages are answered (a function decides per message). */
  behave(how: SinkBehaviour | ((mail: Omit<ReceivedMail, "answered">) => SinkBehaviour)): void;
  holdNewTransactions(hold: boolean): void;
  /** Transactions waiting at MAIL FROM while held. */
  held(): number;
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const unfolded = head.replace(/\r?\n[ \t]+/g, " ");
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : "";
}

function readAll(stream: SMTPServerDataStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
}

export async function startSmtpSink(firstPort = 2525, lastPort = 2599): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  let decide: (mail: Omit<ReceivedMail, "answered">) => SinkBehaviour = () => "accept";
  let hold = false;
  const waiting: (() => void)[] = [];

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (!hold) return callback();
      waiting.push(() => callback());
    },
    onData(stream, session, callback) {
      void readAll(stream).then((raw) => {
        const mail = {
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: header(raw, "Message-ID"),
          subject: header(raw, "Subject"),
          raw,
        };
        const answered = decide(mail);
        received.push({ ...mail, answered });
        if (answered === "accept") callback();
        else if (answered === "tempfail") callback(Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 }));
        else if (answered === "permfail") callback(Object.assign(new Error("No such mailbox"), { responseCode: 550 }));
        // "hang": never answer; the client times out or dies.
      });
    },
  });
  server.on("error", () => {});

  let port = firstPort;
  for (; port <= lastPort; port += 1) {
    const ok = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      server.server.once("error", onError);
      server.listen(port, "127.0.0.1", () => {
        server.server.off("error", onError);
        resolve(true);
      });
    });
    if (ok) break;
  }
  if (port > lastPort) throw new Error(`no free port for the SMTP sink in ${firstPort}-${lastPort}`);

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    behave(how) {
      decide = typeof how === "function" ? how : () => how;
    },
    holdNewTransactions(value) {
      hold = value;
      if (!value) for (const release of waiting.splice(0)) release();
    },
    held: () => waiting.length,
    to: (address) => received.filter((m) => m.to.includes(address)),
    close: () =>
      new Promise<void>((resolve) => {
        hold = false;
        for (const release of waiting.splice(0)) release();
        server.close(() => resolve());
        // Hung transactions keep connections open; close() waits for them otherwise.
        setTimeout(resolve, 500).unref();
      }),
  };
}
