// One base URL for the whole local platform: `/<functionName>/...` is proxied to that function's
// process, the way each deployed function has its own URL. Streams both ways (SSE included).
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Gateway {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startGateway(routes: ReadonlyMap<string, string>, port = 0): Promise<Gateway> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://gateway");
    const [, name = "", ...rest] = url.pathname.split("/");
    const upstream = routes.get(name);
    if (!upstream) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { code: "NOT_FOUND", message: `no function named "${name}"` },
          functions: [...routes.keys()],
        }),
      );
      return;
    }
    const target = new URL(`/${rest.join("/")}${url.search}`, upstream);
    const proxied = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    proxied.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "UNAVAILABLE", message: `function ${name} is not answering` } }));
    });
    // A client that goes away aborts the upstream request too (an agent turn stops its work).
    res.on("close", () => {
      if (!res.writableFinished) proxied.destroy();
    });
    req.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
