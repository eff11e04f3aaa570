// A worker stand-in for tests of Cloud Tasks delivery: a node:http server on 127.0.0.1 that records
// what arrives and answers with a status chosen per arrival.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Arrival {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestTarget {
  url: string;
  arrivals: Arrival[];
  close(): Promise<void>;
}

export interface TestTargetOptions {
  /** Status for the n-th arrival (0-based); default 200. */
  status?: (n: number) => number;
  /** Keep every request open until close (a hung endpoint). */
  hang?: boolean;
  /** Answer after this many milliseconds (a slow worker). */
  holdMs?: number;
}

export async function startTestTarget(options: TestTargetOptions = {}): Promise<TestTarget> {
  const status = options.status ?? (() => 200);
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const n =
        arrivals.push({
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }) - 1;
      if (options.hang) return;
      setTimeout(() => res.writeHead(status(n)).end(), options.holdMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/work`;
  return {
    url,
    arrivals,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
