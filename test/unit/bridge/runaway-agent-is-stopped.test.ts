// An agent that loops forever, allocates without bound or recurses without end is stopped with a clear
// error; its HAL resources are closed, no callback reaches it afterwards, and the host keeps running.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AgentVM, AgentStoppedError } from "../../../hal/bridge/vm.js";
import { createEmulatedDevice } from "../../../hal/emulated/device.js";
import { tempDir, until } from "../../support/temp.js";

const BUNDLE = `
let ticks = 0;
globalThis.dmAgent = {
  spin() { for (;;) {} },
  hog() { const a = []; for (;;) a.push({ n: a.length, s: String(a.length) }); },
  deep() { const f = (n) => f(n + 1) + 1; return f(0); },
  openSms() { this.sms = new device.io.SMS({ onReadable() { for (;;) {} } }); },
  spinLater() { device.timer.set(() => { for (;;) {} }, 10); device.timer.set(() => { ticks++; }, 20); },
  throwLater() { device.timer.set(() => { throw new Error("bug in a callback"); }, 10); device.timer.set(() => { ticks++; }, 20); },
  ticks() { return ticks; },
};`;

async function withVM(run: (vm: AgentVM, emulated: ReturnType<typeof createEmulatedDevice>, fatal: Error[], errors: Error[]) => Promise<void>) {
  const dir = tempDir();
  const emulated = createEmulatedDevice({ directory: dir.path });
  const fatal: Error[] = [];
  const errors: Error[] = [];
  const vm = await AgentVM.create({
    device: emulated.device, bundle: BUNDLE, deadline: 200, memoryLimit: 2 * 1024 * 1024,
    onFatal: (e) => fatal.push(e), onError: (e) => errors.push(e),
  });
  try {
    await run(vm, emulated, fatal, errors);
  } finally {
    vm.dispose();
    emulated.close();
    dir.remove();
  }
}

function stoppedFor(reason: string) {
  return (error: unknown) => error instanceof AgentStoppedError && error.reason === reason;
}

describe("limits stop a runaway agent, not the host", () => {
  it("an endless loop hits the per-entry deadline", async () => {
    await withVM(async (vm, _e, fatal) => {
      const started = Date.now();
      assert.throws(() => vm.call("spin"), stoppedFor("deadline"));
      assert.ok(Date.now() - started < 2000, "stopped promptly");
      assert.equal(fatal.length, 1);
      assert.throws(() => vm.call("ticks"), stoppedFor("deadline"), "a stopped agent stays stopped");
    });
  });

  it("unbounded allocation hits the memory limit", async () => {
    await withVM(async (vm, _e, fatal) => {
      assert.throws(() => vm.call("hog"), stoppedFor("memory"));
      assert.equal(fatal[0]?.message.includes("memory"), true);
    });
  });

  it("unbounded recursion hits the stack limit", async () => {
    await withVM(async (vm) => {
      assert.throws(() => vm.call("deep"), stoppedFor("stack"));
    });
  });

  it("a loop inside a delivered callback stops the agent and closes what it had open", async () => {
    await withVM(async (vm, emulated, fatal) => {
      vm.call("openSms");
      emulated.control.modem.inject("00");
      await until(() => fatal.length === 1, 5000, "the watchdog");
      assert.equal((fatal[0] as AgentStoppedError).reason, "deadline");
      // The bridge closed the agent's receiver: the modem is free again for someone else.
      const SMS = emulated.device.io.SMS!;
      const other = new SMS({});
      other.close();
    });
  });

  it("timers of a stopped agent never fire into it", async () => {
    await withVM(async (vm, emulated, fatal) => {
      vm.call("spinLater");
      await emulated.control.time.advance(15);
      assert.equal(fatal.length, 1);
      await emulated.control.time.advance(100);
      assert.equal(emulated.control.time.pending(), 0, "the bridge cleared the agent's timers");
    });
  });

  it("an exception in a callback is reported and the agent keeps running", async () => {
    await withVM(async (vm, emulated, fatal, errors) => {
      vm.call("throwLater");
      await emulated.control.time.advance(30);
      assert.equal(fatal.length, 0);
      assert.equal(errors.length, 1);
      assert.match(errors[0].message, /bug in a callback/);
      assert.equal(vm.call("ticks"), 1);
    });
  });

  it("the host can start a new agent after one was stopped", async () => {
    await withVM(async (vm) => {
      assert.throws(() => vm.call("spin"));
    });
    await withVM(async (vm) => {
      assert.equal(vm.call("ticks"), 0);
    });
  });
});
