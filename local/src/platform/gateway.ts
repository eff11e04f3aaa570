// One base URL for the whole local platform: `/<functionName>/...` is proxied to that function's
// process, the way each deployed function has its own URL. Streams both ways (SSE included). A
// function served by several processes (instances, as Cloud Run scales a service out) gets each
// new request on the next one in turn.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Gateway {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Upstream base URLs per function name: one per instance. */
export type GatewayRoutes = ReadonlyMap<string, string | readonly string[]>;

export async function startGateway(routes: GatewayRoutes, port = 0): Promise<Gateway> {
  const turns = new Map<string, number>();
  const pick = (name: string): string | undefined => {
    const route = routes.get(name);
    if (route === undefined || typeof route === "string") return route;
    const turn = turns.get(name) ?? 0;
    turns.set(name, turn + 1);
    return route[turn % route.length];
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://gateway");
    const [, name = "", ...rest] = url.pathname.split("/");
    const upstream = pick(name);
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
