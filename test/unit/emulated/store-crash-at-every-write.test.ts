// A commit interrupted at any file-system step, or by a real SIGKILL, leaves the store holding exactly the
// state before or exactly the state after that commit, readable and usable.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import type { ConfigTransaction, ConfigValue } from "../../../hal/config.js";
import { openConfigStore, SimulatedCrash, type EmulatedConfigStore } from "../../../hal/emulated/config-store.js";
import { commit, dumpStore } from "../../conformance/suite/config.js";
import { generationState } from "./store-commit-loop.js";

const BEFORE: Record<string, ConfigValue> = {
  "acc/1/name": { type: "string", value: "operator" },
  "acc/1/port": { type: "int32", value: 443 },
  "acc/1/secret": { type: "buffer", value: new Uint8Array([1, 2, 3, 4]).buffer },
  "acc/2/name": { type: "string", value: "backup" },
  "acc/2/serial": { type: "int64", value: 2n ** 62n },
  "net/apn": { type: "string", value: "internet" },
  "net/mtu": { type: "int32", value: 1500 },
  "net/rate": { type: "float64", value: 0.75 },
  "old/a/x": { type: "boolean", value: true },
  "old/a/y": { type: "boolean", value: false },
  "old/b": { type: "float64", value: NaN },
  flags: { type: "int32", value: 7 },
};

/** More than ten keys: overwrites, new keys, new subtrees, a recursive delete and single deletes. */
function change(store: EmulatedConfigStore): ConfigTransaction {
  const tx = store.open({ path: "" }).begin();
  tx.write("acc/1/name", { type: "string", value: "operator, renamed" });
  tx.write("acc/1/port", { type: "int32", value: 8443 });
  tx.write("acc/2/serial", { type: "int64", value: -(2n ** 63n) });
  tx.write("acc/3/name", { type: "string", value: "third" });
  tx.write("acc/3/secret", { type: "buffer", value: new Uint8Array(300).fill(0xa5).buffer });
  tx.write("net/rate", { type: "float64", value: -Infinity });
  tx.write("net/dns/0", { type: "string", value: "192.0.2.1" });
  tx.write("net/dns/1", { type: "string", value: "192.0.2.2" });
  tx.delete("old");
  tx.delete("net/mtu");
  tx.delete("acc/2/name");
  tx.write("flags", { type: "int32", value: 8 });
  for (let i = 0; i < 10; i++) tx.write(`list/${i}`, { type: "int64", value: BigInt(i) ** 15n });
  return tx;
}

/** Dumps the store at `directory` with a fresh instance, then proves it still takes a commit. */
async function reopenAndCheckUsable(directory: string): Promise<Record<string, ConfigValue>> {
  const store = openConfigStore({ directory });
  try {
    const dump = dumpStore(store);
    const tx = store.open({ path: "" }).begin();
    tx.write("after-crash", { type: "boolean", value: true });
    await commit(tx);
    store.close();
    const again = openConfigStore({ directory });
    assert.deepStrictEqual(dumpStore(again), { ...dump, "after-crash": { type: "boolean", value: true } });
    again.close();
    return dump;
  } finally {
    store.close();
  }
}

describe("store crash at every write step", () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "dm-store-crash-"));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const writeChunkSize of [64, 64 * 1024]) {
    it(`leaves exactly the before or the after state whatever step crashes (${writeChunkSize}-byte writes)`, async (context) => {
      const base = join(root, `base-${writeChunkSize}`);
      const seeded = openConfigStore({ directory: base });
      const seedTx = seeded.open({ path: "" }).begin();
      for (const [key, value] of Object.entries(BEFORE)) seedTx.write(key, value);
      await commit(seedTx);
      const before = dumpStore(seeded);
      seeded.close();

      // A clean run of the change, to learn the after-state and how many steps the commit takes.
      const reference = join(root, `reference-${writeChunkSize}`);
      cpSync(base, reference, { recursive: true });
      const clean = openConfigStore({ directory: reference, writeChunkSize });
      await commit(change(clean));
      const afterState = dumpStore(clean);
      const steps = clean.lastCommitSteps;
      clean.close();
      assert.notDeepStrictEqual(afterState, before);
      assert.ok(steps >= 6, `a commit takes at least 6 steps, took ${steps}`);
      if (writeChunkSize === 64) assert.ok(steps > 20, `small chunks should make many steps, got ${steps}`);

      const outcomes: Array<"before" | "after"> = [];
      for (let step = 0; step < steps; step++) {
        const directory = join(root, `crash-${writeChunkSize}-${step}`);
        cpSync(base, directory, { recursive: true });
        const store = openConfigStore({ directory, writeChunkSize, faults: { crashAtWrite: step } });
        const tx = change(store);
        let called = false;
        assert.throws(() => tx.commit(() => { called = true; }), SimulatedCrash, `step ${step}`);
        assert.equal(store.dead, true);
        assert.throws(() => store.open({ path: "" }), SimulatedCrash, "a dead store refuses every call");
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(called, false, "a crashed commit never calls back");

        const found = await reopenAndCheckUsable(directory);
        assert.ok(!readdirSync(directory).some((name) => name.endsWith(".tmp")), "leftover temp file removed on open");
        if (isDeepStrictEqual(found, before)) outcomes.push("before");
        else if (isDeepStrictEqual(found, afterState)) outcomes.push("after");
        else assert.fail(`crash at step ${step} of ${steps} left a state that is neither before nor after:\n${JSON.stringify(Object.keys(found))}`);
        rmSync(directory, { recursive: true, force: true });
      }
      // Once the new state is in place it stays: the outcome flips exactly once, at the rename.
      const firstAfter = outcomes.indexOf("after");
      assert.ok(firstAfter > 0, `outcomes: ${outcomes.join(",")}`);
      assert.ok(outcomes.slice(firstAfter).every((o) => o === "after"), `outcomes: ${outcomes.join(",")}`);
      assert.equal(firstAfter, steps - 1, "only a crash after the rename (before the directory fsync) keeps the commit");
      context.diagnostic(`${steps} steps crashed in turn: ${firstAfter} left the before-state, ${steps - firstAfter} the after-state`);
    });
  }

  it("a process killed with SIGKILL while committing in a loop leaves one of its committed states", async (context) => {
    const directory = join(root, "killed");
    const child = fileURLToPath(new URL("./store-commit-loop.js", import.meta.url));
    let lastReported = 0;
    const kinds = { reported: 0, unreported: 0 };
    for (let round = 0; round < 20; round++) {
      const printed = await runAndKill(child, directory, 5 + Math.floor(Math.random() * 60));
      if (printed.length) lastReported = printed[printed.length - 1]!;
      const store = openConfigStore({ directory });
      const dump = dumpStore(store);
      store.close();
      const gen = dump.gen;
      const g = gen?.type === "int64" ? Number(gen.value) : 0;
      assert.ok(g === lastReported || g === lastReported + 1, `round ${round}: found generation ${g}, last reported ${lastReported}`);
      assert.deepStrictEqual(dump, generationState(g), `round ${round}: generation ${g} is not intact`);
      kinds[g === lastReported ? "reported" : "unreported"]++;
      lastReported = g;
    }
    assert.ok(lastReported > 0, "the child committed something");
    context.diagnostic(`kills: reached generation ${lastReported}; ${kinds.reported} found the last reported generation, ${kinds.unreported} the one in flight`);
    await reopenAndCheckUsable(directory);
  });
});

/** Starts the commit loop, kills it `delayMs` after it is ready, and returns the generations it reported. */
function runAndKill(script: string, directory: string, delayMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, directory], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (!timer && out.startsWith("ready\n")) timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", reject);
    // "close", not "exit": only then has everything the child printed been read.
    child.on("close", (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(timer);
      if (signal !== "SIGKILL") return reject(new Error(`child exited (${code}, ${signal}): ${err}`));
      // A line cut by the kill is not a report.
      const lines = out.split("\n").slice(1, -1);
      resolve(lines.map(Number));
    });
  });
}
