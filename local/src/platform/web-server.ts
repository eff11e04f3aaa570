// Serves a built web app (a Vite `dist/` folder) on 127.0.0.1 the way static hosting does, plus
// `/platform-config.json`: where the local platform's gateway and emulators are, so one build runs
// against any ports. Unknown paths without an extension get index.html (client-side routing).
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

/** What the reference web app reads at start; every field has a default matching `npm start`. */
export interface WebAppConfig {
  projectId: string;
  apiKey: string;
  /** The gateway: `<apiBaseUrl>/<functionName>`. */
  apiBaseUrl: string;
  /** For `connectAuthEmulator`: `http://127.0.0.1:9099`. */
  authEmulatorUrl: string;
  /** For `connectFirestoreEmulator`. */
  firestoreEmulator: { host: string; port: number };
}

export interface WebServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
  ".woff2": "font/woff2",
};

export interface WebServerOptions {
  dir: string;
  /** Read per request: the platform's ports may be known only after the app is served. */
  config: () => WebAppConfig | undefined;
  port?: number;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const root = normalize(options.dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://web").pathname);
    if (path === "/platform-config.json") {
      const config = options.config();
      res.writeHead(config ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(config ?? { error: { code: "UNAVAILABLE", message: "the platform is starting" } }));
      return;
    }
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(404).end();
      return;
    }
    const send = async (target: string) => {
      const body = await readFile(target);
      const hashed = target.includes(`${sep}assets${sep}`);
      res.writeHead(200, {
        "content-type": TYPES[extname(target)] ?? "application/octet-stream",
        "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
      });
      res.end(body);
    };
    stat(file)
      .then((s) => (s.isFile() ? send(file) : Promise.reject(new Error("not a file"))))
      .catch(() => {
        if (extname(path) === "") return send(join(root, "index.html"));
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
