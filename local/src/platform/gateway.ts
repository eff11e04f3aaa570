// One base URL for the whole local platform: `/<functionName>/...` is proxied to that function's
// process, the way each deployed function has its own URL. Streams both ways (SSE included). A
// function served by several processes (instances, as Cloud Run scales a service out) gets each
// new request on the next one in turn. With a concurrency per function, no instance is handed more
// requests at once than that, as Cloud Run never sends an instance more than its "maximum concurrent
// requests per instance"; the rest wait here in arrival order for the next free slot, where Cloud
// Run would start another instance (the local platform runs a fixed few).
// Source: https://cloud.google.com/run/docs/about-concurrency
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Gateway {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Upstream base URLs per function name: one per instance. */
export type GatewayRoutes = ReadonlyMap<string, string | readonly string[]>;

export interface GatewayOptions {
  port?: number;
  /** Most requests one instance of a function is handed at once (the definition's `concurrency`); unset: no cap. */
  concurrency?: ReadonlyMap<string, number>;
}

export async function startGateway(routes: GatewayRoutes, options: GatewayOptions = {}): Promise<Gateway> {
  const pools = new Map<string, InstancePool>();
  for (const [name, route] of routes) {
    pools.set(name, new InstancePool(typeof route === "string" ? [route] : route, options.concurrency?.get(name)));
  }
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://gateway");
    const [, name = "", ...rest] = url.pathname.split("/");
    const pool = pools.get(name);
    if (!pool) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { code: "NOT_FOUND", message: `no function named "${name}"` },
          functions: [...routes.keys()],
        }),
      );
      return;
    }
    // A caller that leaves while waiting gives its turn back at once.
    let left = false;
    res.on("close", () => {
      left = true;
    });
    const { upstream, release } = await pool.acquire();
    if (left) {
      release();
      return;
    }
    res.on("close", release);
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
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
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

/**
 * One function's instances: each request goes to the next instance in turn that has a free slot,
 * or waits (first come, first served) until one has.
 */
class InstancePool {
  private readonly inFlight: number[];
  private readonly waiting: Array<() => void> = [];
  private turn = 0;
  private readonly upstreams: readonly string[];
  private readonly concurrency: number;

  constructor(upstreams: readonly string[], concurrency = Number.POSITIVE_INFINITY) {
    this.upstreams = upstreams;
    this.concurrency = concurrency;
    this.inFlight = upstreams.map(() => 0);
  }

  async acquire(): Promise<{ upstream: string; release: () => void }> {
    let index = this.free();
    while (index === undefined) {
      await new Promise<void>((wake) => this.waiting.push(wake));
      index = this.free();
    }
    const slot = index;
    this.inFlight[slot] = (this.inFlight[slot] ?? 0) + 1;
    let released = false;
    return {
      upstream: this.upstreams[slot] as string,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight[slot] = (this.inFlight[slot] ?? 1) - 1;
        this.waiting.shift()?.();
      },
    };
  }

  /** The next instance in turn with room for one more request. */
  private free(): number | undefined {
    for (let i = 0; i < this.upstreams.length; i++) {
      const index = (this.turn + i) % this.upstreams.length;
      if ((this.inFlight[index] ?? 0) < this.concurrency) {
        this.turn = index + 1;
        return index;
      }
    }
    return undefined;
  }
}
