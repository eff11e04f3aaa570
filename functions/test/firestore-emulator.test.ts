import { FirestoreEmulator, groupAlive } from "@genai-platform/local/firestore-emulator.ts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { testFirestore } from "./firestore.ts";

describe("the Firestore emulator harness", () => {
  const fs = testFirestore("test/firestore-emulator.test.ts");
  beforeEach(() => fs.clear());
  afterAll(() => fs.close());

  it("runs firebase-admin transactions that serialize concurrent increments", async () => {
    const counter = fs.db.doc("counters/one");
    await counter.set({ n: 0 });
    await Promise.all(
      Array.from({ length: 4 }, () =>
        fs.db.runTransaction(async (tx) => {
          const snap = await tx.get(counter);
          tx.update(counter, { n: (snap.get("n") as number) + 1 });
        }),
      ),
    );
    expect((await counter.get()).get("n")).toBe(4);
  });

  it("clears one project's data between tests", async () => {
    expect((await fs.db.collection("counters").get()).size).toBe(0);
    await fs.db.doc("counters/two").set({ n: 1 });
    await fs.clear();
    expect((await fs.db.doc("counters/two").get()).exists).toBe(false);
  });

  it("stops the emulator's whole process group, Java child included", async () => {
    const second = await FirestoreEmulator.start();
    expect(groupAlive(second.pgid)).toBe(true);
    const ok = await fetch(`http://${second.host}/`);
    expect(await ok.text()).toMatch(/Ok/);
    await second.stop();
    expect(groupAlive(second.pgid)).toBe(false);
    await expect(fetch(`http://${second.host}/`)).rejects.toThrow();
  }, 90_000);

  it("stops an emulator keeping its documents and starts it again on the same port with them", async () => {
    const project = "demo-restart";
    const emulator = await FirestoreEmulator.start();
    try {
      const doc = `http://${emulator.host}/v1/projects/${project}/databases/(default)/documents/things/kept`;
      const written = await fetch(doc, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ fields: { n: { integerValue: "7" } } }),
      });
      expect(written.status).toBe(200);
      const before = emulator.pgid;
      await emulator.stopKeepingData(project);
      expect(groupAlive(before)).toBe(false);
      await expect(fetch(`http://${emulator.host}/`)).rejects.toThrow();
      await emulator.startAgain();
      const read = (await (await fetch(doc)).json()) as { fields?: { n?: { integerValue?: string } } };
      expect(read.fields?.n?.integerValue).toBe("7");
    } finally {
      await emulator.stop();
    }
  }, 120_000);
});
