import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Gateway, startGateway } from "./gateway.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server that answers every request with its own name and the path it saw. */
async function upstream(name: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ name, path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe("the local gateway", () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function served(routes: Map<string, string | string[]>, concurrency?: Map<string, number>): Promise<Gateway> {
    const gateway = await startGateway(routes, concurrency ? { concurrency } : {});
    closers.push(() => gateway.close());
    return gateway;
  }

  it("hands a function's requests to its instances in turn, with the function's name stripped", async () => {
    const [a, b, c] = await Promise.all([upstream("a"), upstream("b"), upstream("c")]);
    for (const u of [a, b, c]) closers.push(() => new Promise((r) => u?.server.close(() => r())));
    const gateway = await served(
      new Map<string, string | string[]>([
        ["generateImage", [a?.url ?? "", b?.url ?? ""]],
        ["getJob", c?.url ?? ""],
      ]),
    );
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = (await (await fetch(`${gateway.url}/generateImage/x?i=${i}`)).json()) as { name: string };
      names.push(answer.name);
    }
    expect(names).toEqual(["a", "b", "a", "b"]);
    expect(await (await fetch(`${gateway.url}/getJob?jobId=j`)).json()).toEqual({ name: "c", path: "/?jobId=j" });
  });

  it("hands no instance more requests at once than the function's concurrency; the rest wait their turn", async () => {
    // Each instance holds every request until the test lets it go, and counts how many it holds.
    const held: Array<() => void> = [];
    const most = new Map<string, number>();
    const holding = async (name: string) => {
      let now = 0;
      const server = createServer((_req, res) => {
        now++;
        most.set(name, Math.max(most.get(name) ?? 0, now));
        held.push(() => {
          now--;
          res.end(name);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      closers.push(() => new Promise((r) => server.close(() => r())));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    };
    const gateway = await served(
      new Map([["generateImage", [await holding("a"), await holding("b")]]]),
      new Map([["generateImage", 2]]),
    );
    const answers = Array.from({ length: 6 }, () => fetch(`${gateway.url}/generateImage`).then((r) => r.text()));
    await expect.poll(() => held.length).toBe(4);
    await new Promise((r) => setTimeout(r, 100));
    expect(held).toHaveLength(4); // two requests wait at the gateway
    let done = false;
    void Promise.all(answers).then(() => {
      done = true;
    });
    // Let the held requests go one at a time; each frees a slot for a waiting one.
    while (!done) {
      held.shift()?.();
      await sleep(20);
    }
    expect((await Promise.all(answers)).sort()).toEqual(["a", "a", "a", "b", "b", "b"]);
    expect(Object.fromEntries(most)).toEqual({ a: 2, b: 2 });
  });

  it("answers 404 JSON naming the functions it knows for any other name", async () => {
    const gateway = await served(new Map([["getJob", "http://127.0.0.1:1/"]]));
    const answer = await fetch(`${gateway.url}/nope`);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ error: { code: "NOT_FOUND" }, functions: ["getJob"] });
  });
});
