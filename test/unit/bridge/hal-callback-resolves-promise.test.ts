// A HAL completion delivered into the VM resolves a promise there, and the code awaiting it runs in the
// same entry: the bridge drains the job queue after every delivery.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AgentVM } from "../../../hal/bridge/vm.js";
import { createEmulatedDevice } from "../../../hal/emulated/device.js";
import { tempDir, until } from "../../support/temp.js";

const BUNDLE = `
globalThis.dmAgent = {
  steps: [],
  commitThenRead() {
    const steps = this.steps;
    (async () => {
      const domain = device.config.open({ path: "t" });
      const tx = domain.begin();
      tx.write("k", { type: "int32", value: 7 });
      steps.push("before");
      await new Promise((resolve, reject) => tx.commit((e) => (e ? reject(e) : resolve())));
      steps.push("after commit");
      await null; await null; // a chain of jobs after the HAL callback
      steps.push("read " + domain.read("k").value);
    })();
    return steps.length;
  },
  sleep(ms) {
    return new Promise((resolve) => device.timer.set(() => resolve("woke at " + device.clock.monotonic()), ms));
  },
  steps_() { return this.steps.slice(); },
};`;

describe("HAL callbacks and the VM job queue", () => {
  it("a commit completion resumes the awaiting code, jobs after it included", async () => {
    const dir = tempDir();
    const emulated = createEmulatedDevice({ directory: dir.path });
    const vm = await AgentVM.create({ device: emulated.device, bundle: BUNDLE });
    try {
      assert.equal(vm.call("commitThenRead"), 1);
      assert.deepEqual(vm.call("steps_"), ["before"], "nothing ran before the host completed the commit");
      await until(() => (vm.call("steps_") as string[]).length === 3, 5000, "the awaiting code");
      assert.deepEqual(vm.call("steps_"), ["before", "after commit", "read 7"]);
    } finally {
      vm.dispose();
      emulated.close();
      dir.remove();
    }
  });

  it("a timer callback resolves a promise the host awaits", async () => {
    const dir = tempDir();
    const emulated = createEmulatedDevice({ directory: dir.path });
    const vm = await AgentVM.create({ device: emulated.device, bundle: BUNDLE });
    try {
      const woke = vm.call("sleep", 250) as Promise<string>;
      assert.ok(woke instanceof Promise);
      let settled = false;
      void woke.then(() => (settled = true));
      await emulated.control.time.advance(249);
      assert.equal(settled, false, "the timer fired early");
      await emulated.control.time.advance(1);
      assert.equal(await woke, "woke at 250");
    } finally {
      vm.dispose();
      emulated.close();
      dir.remove();
    }
  });
});
