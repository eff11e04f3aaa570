// The pack as the Pulumi engine runs it: index.ts serves the analyzer over gRPC on 127.0.0.1, lists
// every policy with its config schema, and judges a resource with the same policy objects.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACK_NAME, policies } from "../src/pack.ts";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js");
const services = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const messages = require("@pulumi/pulumi/proto/analyzer_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

let pack: ChildProcess;
let client: any;

beforeAll(async () => {
  // The pack reads its version from package.json in its working directory, as under `pulumi preview`.
  pack = spawn(process.execPath, ["index.ts"], {
    cwd: resolve(import.meta.dirname, ".."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<number>((done, fail) => {
    let out = "";
    pack.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/^(\d+)\s/);
      if (match) done(Number(match[1]));
    });
    pack.on("exit", (code) => fail(new Error(`the pack exited with ${code}`)));
  });
  client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 30_000);

afterAll(() => {
  client?.close();
  if (pack?.pid) process.kill(pack.pid);
});

const call = <T>(method: string, request: unknown) =>
  new Promise<T>((done, fail) => client[method](request, (err: Error | null, res: T) => (err ? fail(err) : done(res))));

describe("the pack served to the Pulumi engine", () => {
  it("lists every policy with its enforcement level and config schema", async () => {
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe(PACK_NAME);
    const served = info.getPoliciesList().map((p: any) => p.getName());
    expect(served.sort()).toEqual(policies.map((p) => p.name).sort());
    const rates = info.getPoliciesList().find((p: any) => p.getName() === "gcp-cloudtasks-queue-rate-limits");
    expect(Object.keys(rates.getConfigschema().getProperties().toJavaScript())).toContain("maxDispatchesPerSecond");
  });

  it("reports a queue over its default cap through the analyze call", async () => {
    const request = new messages.AnalyzeRequest();
    request.setType("gcp:cloudtasks/queue:Queue");
    request.setName("image-jobs");
    request.setUrn("urn:pulumi:prod::genai-platform::gcp:cloudtasks/queue:Queue::image-jobs");
    request.setProperties(
      Struct.fromJavaScript({
        name: "image-jobs",
        location: "europe-west1",
        rateLimits: { maxDispatchesPerSecond: 500, maxConcurrentDispatches: 100 },
        retryConfig: { maxAttempts: 5, minBackoff: "1s" },
      }),
    );
    request.setOptions(new messages.AnalyzerResourceOptions());
    const response: any = await call("analyze", request);
    const diagnostics = response.getDiagnosticsList().map((d: any) => [d.getPolicyname(), d.getMessage()]);
    expect(diagnostics).toEqual([
      [
        "gcp-cloudtasks-queue-rate-limits",
        expect.stringContaining("queue image-jobs: rateLimits.maxDispatchesPerSecond 500 exceeds the cap 100"),
      ],
    ]);
  });
});
