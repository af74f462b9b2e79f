// <Atomic> is one transaction: 200 when it commits; 507 when a command fails or the commit is refused, with
// 216 for the commands rolled back and 215 for those never run; nested Atomic refused with 500; 516 when the
// rollback itself fails. <Sequence> runs in order and bypasses the rest after a failure (215).
import { describe, it, afterEach } from "node:test";
import assert from "node:assert/strict";
import { StoreFailure } from "../../../agent/store-lock.js";
import { Add, Atomic, Get, Replace, Sequence, Alert, Exec, code, harness, results, type Harness } from "./harness.js";
import type { Command } from "../../../agent/syncml/index.js";

describe("Atomic and Sequence", () => {
  let h: Harness;
  afterEach(() => h.close());
  const stored = (key: string) => h.store.open({ path: "" }).read(`dm-agent/data/${key}`);

  it("commits an Atomic whose commands all succeed as one transaction (200)", async () => {
    h = harness();
    const out = await h.run([Atomic([Add("./Vendor/A", "1", "chr", "2"), Add("./Vendor/B", "2", "chr", "3"), Get("./Vendor/A", "4")], "1")]);
    assert.deepEqual(["1", "2", "3", "4"].map((id) => code(out, id)), [200, 200, 200, 200]);
    assert.equal(results(out, "4")[0].data, "1", "a Get inside sees the Atomic's own writes");
    assert.ok(stored("Vendor/A") && stored("Vendor/B"));
    assert.equal(out[0].kind === "Status" && out[0].cmdRef, "1", "the Atomic's Status comes first");
  });

  it("rolls back an Atomic when one command fails: 507, 216 for the others, 215 for those after", async () => {
    h = harness();
    const out = await h.run([
      Add("./Vendor/Keep", "k", "chr", "9"),
      Atomic([Add("./Vendor/A", "1", "chr", "2"), Replace("./Vendor/Missing", "x", "chr", "3"), Add("./Vendor/B", "2", "chr", "4")], "1"),
      Get("./Vendor/A", "5"),
    ]);
    assert.deepEqual(["1", "2", "3", "4", "5"].map((id) => code(out, id)), [507, 216, 404, 215, 404]);
    assert.equal(stored("Vendor/A"), undefined, "nothing of the Atomic reached the store");
    assert.ok(stored("Vendor/Keep"), "commands before it were committed on their own");
  });

  it("drops the Results of a Get inside a failed Atomic", async () => {
    h = harness();
    const out = await h.run([Add("./Vendor/X", "1", "chr", "1"), Atomic([Get("./Vendor/X", "3"), Exec("./Test/Fail", undefined, undefined, "4")], "2")]);
    assert.deepEqual([code(out, "2"), code(out, "3"), code(out, "4")], [507, 216, 500]);
    assert.deepEqual(results(out, "3"), []);
  });

  it("refuses a nested Atomic with 500 and fails the enclosing one (507)", async () => {
    h = harness();
    const out = await h.run([Atomic([Add("./Vendor/A", "1", "chr", "2"), Atomic([Add("./Vendor/B", "2", "chr", "4")], "3")], "1")]);
    assert.deepEqual(["1", "2", "3", "4"].map((id) => code(out, id)), [507, 216, 500, undefined]);
    assert.equal(stored("Vendor/A"), undefined);
  });

  it("answers 507 and 216 when the store refuses the commit (nothing applied)", async () => {
    h = harness();
    h.store.faults.failNextCommit = "ENOSPC";
    const out = await h.run([Atomic([Add("./Vendor/A", "1", "chr", "2"), Add("./Vendor/B", "1", "chr", "3")], "1"), Add("./Vendor/C", "1", "chr", "4")]);
    assert.deepEqual(["1", "2", "3", "4"].map((id) => code(out, id)), [507, 216, 216, 200]);
    assert.equal(stored("Vendor/A"), undefined);
  });

  it("answers 420 to a plain command whose commit the store refuses for lack of space", async () => {
    h = harness();
    h.store.faults.failNextCommit = "ENOSPC";
    const out = await h.run([Add("./Vendor/A", "1", "chr", "1"), Add("./Vendor/B", "1", "chr", "2")]);
    assert.deepEqual([code(out, "1"), code(out, "2")], [420, 200]);
  });

  it("reports 516 when the rollback itself fails, and stops (the store is gone)", async () => {
    h = harness({ execHook: (store) => store.crash() });
    const out: Command[] = [];
    h.dpu.beginMessage();
    await assert.rejects(
      h.dpu.command(Atomic([Add("./Vendor/A", "1", "chr", "2"), Exec("./Test/Run", undefined, undefined, "3")], "1"), "1", (c) => out.push(c)),
      (e: unknown) => e instanceof StoreFailure,
    );
    assert.equal(code(out, "1"), 516);
  });

  it("runs a Sequence in order and bypasses the rest after a failure (215)", async () => {
    h = harness();
    const out = await h.run([Sequence([Add("./Vendor/S", "1", "chr", "2"), Replace("./Vendor/None", "x", "chr", "3"), Add("./Vendor/T", "1", "chr", "4")], "1"), Get("./Vendor/S", "5")]);
    assert.deepEqual(["1", "2", "3", "4", "5"].map((id) => code(out, id)), [200, 200, 404, 215, 200]);
    assert.equal(stored("Vendor/T"), undefined);
  });

  it("bypasses the rest of a Sequence when the user says No to a confirmation (304, then 215)", async () => {
    h = harness();
    const confirm = Alert("1101", [{ data: "DR=0" }, { data: "Install?" }], "2");
    const out = await h.run([Sequence([confirm, Exec("./Test/Run", undefined, undefined, "3")], "1")]);
    assert.deepEqual([code(out, "2"), code(out, "3")], [304, 215], "a device without a UI takes the default response, No");
    assert.deepEqual(h.execs, []);
  });
});
