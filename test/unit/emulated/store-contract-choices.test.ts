// Behaviour the emulated store chose where hal/config.d.ts is silent (see the header of config-store.ts).
import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openConfigStore, type EmulatedConfigStore } from "../../../hal/emulated/config-store.js";
import { commit, dumpStore, throwsCode } from "../../conformance/suite/config.js";

describe("store contract choices", () => {
  let directory: string;
  let store: EmulatedConfigStore;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "dm-store-choices-"));
    store = openConfigStore({ directory });
  });
  afterEach(() => {
    store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("the store root always exists as a node and cannot be written or deleted", () => {
    const domain = store.open({ path: "" });
    assert.deepEqual(domain.read(""), { type: "node" });
    const tx = domain.begin();
    throwsCode(() => tx.write("", { type: "int32", value: 1 }), "EINVAL", "write");
    throwsCode(() => tx.delete(""), "EINVAL", "delete");
    tx.rollback();
  });

  it("a sub-domain can write and delete its own root with the key \"\"", async () => {
    const domain = store.open({ path: "a/b" });
    assert.equal(domain.read(""), undefined);
    let tx = domain.begin();
    tx.write("", { type: "string", value: "root value" });
    tx.write("c", { type: "int32", value: 1 });
    await commit(tx);
    assert.deepStrictEqual(dumpStore(store), {
      a: { type: "node" }, "a/b": { type: "string", value: "root value" }, "a/b/c": { type: "int32", value: 1 },
    });
    tx = domain.begin();
    tx.delete("");
    assert.equal(tx.read(""), undefined);
    assert.deepEqual(tx.children(""), []);
    await commit(tx);
    assert.deepStrictEqual(dumpStore(store), { a: { type: "node" } });
  });

  it("commit() ends the transaction at once: the domain can begin again before the callback", async () => {
    const domain = store.open({ path: "" });
    const first = domain.begin();
    first.write("a", { type: "int32", value: 1 });
    const done = commit(first);
    const second = domain.begin();
    assert.deepEqual(second.read("a"), { type: "int32", value: 1 });
    second.rollback();
    await done;
  });

  it("delivers completions through the defer option, with the transaction as this", async () => {
    store.close();
    const queue: Array<() => void> = [];
    store = openConfigStore({ directory, defer: (task) => queue.push(task) });
    const tx = store.open({ path: "" }).begin();
    tx.write("a", { type: "int32", value: 1 });
    const seen: unknown[] = [];
    tx.commit(function (this: unknown, error) {
      seen.push(error, this);
    });
    assert.equal(queue.length, 1);
    assert.deepEqual(seen, []);
    queue.shift()!();
    assert.equal(seen[0], null);
    assert.equal(seen[1], tx);
  });

  it("rejects an unknown mode and a non-function callback with TypeError", () => {
    assert.throws(() => store.open({ path: "", mode: "w" as "r" }), TypeError);
    const tx = store.open({ path: "" }).begin();
    assert.throws(() => tx.commit(undefined as never), TypeError);
    tx.write("still-open", { type: "int32", value: 1 });
    tx.rollback();
  });
});
