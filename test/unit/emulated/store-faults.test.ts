// Injected store faults: a failed commit applies nothing and leaves the store usable; a crash kills the
// instance (as the process would die) but never the data already committed.
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HalError } from "../../../hal/common.js";
import type { ConfigTransaction } from "../../../hal/config.js";
import { isHalError } from "../../../hal/async.js";
import { openConfigStore, SimulatedCrash, type EmulatedConfigStore } from "../../../hal/emulated/config-store.js";
import { commit, dumpStore, throwsCode } from "../../conformance/suite/config.js";

/** Commits and resolves with what the callback reported, checking it ran once and not inside commit(). */
function commitOutcome(tx: ConfigTransaction): Promise<HalError | null> {
  let inside = true;
  const calls: Array<HalError | null> = [];
  return new Promise((resolve) => {
    tx.commit((error) => {
      calls.push(error);
      assert.equal(inside, false, "called back inside commit()");
      setTimeout(() => {
        assert.equal(calls.length, 1, "called back more than once");
        resolve(error);
      }, 10);
    });
    inside = false;
  });
}

describe("store faults", () => {
  let directory: string;
  let store: EmulatedConfigStore;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), "dm-store-faults-"));
    store = openConfigStore({ directory });
    const tx = store.open({ path: "" }).begin();
    tx.write("a/x", { type: "int32", value: 1 });
    tx.write("b", { type: "string", value: "kept" });
    await commit(tx);
  });
  afterEach(() => {
    store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  for (const code of ["ENOSPC", "EIO"] as const) {
    it(`failNextCommit ${code}: the callback gets ${code}, nothing is applied, and the next commit works`, async () => {
      const before = dumpStore(store);
      const domain = store.open({ path: "" });
      store.faults.failNextCommit = code;
      const tx = domain.begin();
      tx.write("a/x", { type: "int32", value: 2 });
      tx.write("c/d", { type: "boolean", value: true });
      tx.delete("b");
      const error = await commitOutcome(tx);
      assert.ok(isHalError(error, code), `expected ${code}, got ${String(error)}`);
      assert.match(error.message, new RegExp(`^${code}: `));
      assert.deepStrictEqual(dumpStore(store), before, "nothing applied in memory");
      throwsCode(() => tx.write("z", { type: "int32", value: 0 }), "EBADF", "the failed transaction is closed");
      assert.equal(store.faults.failNextCommit, undefined, "the fault is used up");

      const retry = domain.begin();
      retry.write("a/x", { type: "int32", value: 3 });
      await commit(retry);
      store.close();
      store = openConfigStore({ directory });
      assert.deepStrictEqual(dumpStore(store), { ...before, "a/x": { type: "int32", value: 3 } }, "only the retry reached the disk");
    });
  }

  it("a fault given at open applies to the first commit", async () => {
    store.close();
    store = openConfigStore({ directory, faults: { failNextCommit: "EIO" } });
    const tx = store.open({ path: "" }).begin();
    tx.write("new", { type: "int32", value: 1 });
    assert.ok(isHalError(await commitOutcome(tx), "EIO"));
    assert.equal(store.open({ path: "" }).read("new"), undefined);
  });

  it("faults wait for a commit that changes something", async () => {
    store.faults.failNextCommit = "ENOSPC";
    store.faults.crashAtWrite = 0;
    const domain = store.open({ path: "" });
    assert.equal(await commitOutcome(domain.begin()), null);
    assert.equal(store.faults.failNextCommit, "ENOSPC");
    assert.equal(store.faults.crashAtWrite, 0);
  });

  it("crashAtWrite past the commit's last step is used up without a crash", async () => {
    const domain = store.open({ path: "" });
    const first = domain.begin();
    first.write("n", { type: "int32", value: 1 });
    await commit(first);
    const steps = store.lastCommitSteps;
    assert.equal(steps, 6, "open, one write, fsync, close, rename, directory fsync");
    store.faults.crashAtWrite = steps;
    const second = domain.begin();
    second.write("n", { type: "int32", value: 2 });
    await commit(second);
    assert.equal(store.faults.crashAtWrite, undefined);
    assert.equal(store.dead, false);
  });

  it("a crashed store throws SimulatedCrash everywhere, and the directory opens again with the committed data", async () => {
    const before = dumpStore(store);
    const domain = store.open({ path: "a" });
    const other = store.open({ path: "other" });
    const pending = other.begin();
    store.faults.crashAtWrite = 3;
    const tx = domain.begin();
    tx.write("lost", { type: "int32", value: 1 });
    assert.throws(() => tx.commit(() => assert.fail("a dead store calls back")), SimulatedCrash);
    assert.equal(store.dead, true);
    const calls: Array<[string, () => unknown]> = [
      ["store.open", () => store.open({ path: "" })],
      ["domain.read", () => domain.read("x")],
      ["domain.children", () => domain.children("")],
      ["domain.begin", () => domain.begin()],
      ["domain.close", () => domain.close()],
      ["tx.read", () => pending.read("x")],
      ["tx.write", () => pending.write("x", { type: "int32", value: 1 })],
      ["tx.rollback", () => pending.rollback()],
      ["tx.commit", () => pending.commit(() => undefined)],
    ];
    for (const [what, call] of calls) assert.throws(call, SimulatedCrash, what);
    store.close();
    store = openConfigStore({ directory });
    assert.deepStrictEqual(dumpStore(store), before);
  });

  it("crash() drops open transactions and pending callbacks, keeps committed data", async () => {
    const before = dumpStore(store);
    const domain = store.open({ path: "a" });
    const open = domain.begin();
    open.write("uncommitted", { type: "int32", value: 1 });
    const other = store.open({ path: "z" });
    const durable = other.begin();
    durable.write("k", { type: "int32", value: 2 });
    durable.commit(() => assert.fail("callback delivered after the crash"));
    store.crash();
    assert.throws(() => domain.read("x"), SimulatedCrash);
    await new Promise((resolve) => setTimeout(resolve, 10));
    store = openConfigStore({ directory });
    // The commit had reached the disk before the crash; only its report was lost.
    assert.deepStrictEqual(dumpStore(store), { ...before, z: { type: "node" }, "z/k": { type: "int32", value: 2 } });
  });

  it("closing the store drops pending callbacks and makes its objects throw EBADF", async () => {
    const domain = store.open({ path: "" });
    const tx = domain.begin();
    tx.write("c", { type: "int32", value: 1 });
    tx.commit(() => assert.fail("callback delivered after close"));
    const open = domain.begin();
    store.close();
    store.close();
    throwsCode(() => store.open({ path: "" }), "EBADF", "store.open");
    throwsCode(() => domain.read("c"), "EBADF", "domain.read");
    throwsCode(() => open.write("d", { type: "int32", value: 1 }), "EBADF", "tx.write");
    domain.close();
    open.rollback();
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it("a real storage failure is reported as EIO, applies nothing, and is cleaned up", async () => {
    const before = dumpStore(store);
    // A directory where the temp file should go makes the commit's first step fail for real.
    mkdirSync(join(directory, "store.json.tmp", "blocker"), { recursive: true });
    const domain = store.open({ path: "" });
    const tx = domain.begin();
    tx.write("new", { type: "int32", value: 1 });
    assert.ok(isHalError(await commitOutcome(tx), "EIO"));
    assert.deepStrictEqual(dumpStore(store), before);
    const retry = domain.begin();
    retry.write("new", { type: "int32", value: 2 });
    await commit(retry);
    assert.deepEqual(domain.read("new"), { type: "int32", value: 2 });
  });
});
